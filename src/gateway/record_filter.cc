#include "gateway/record_filter.h"

#include <cstring>

#include "model/channel.h"
#include "model/event_type.h"

namespace odin::gateway {

std::optional<drop_reason> record_filter::check(const bus::record& r,
                                                duplicate_window::clock::time_point now) {
  if (auto why = check_event(r)) return why;
  if (duplicates_.seen(r.kind, r.idempotency_key, now)) return drop_reason::duplicate;
  return std::nullopt;
}

std::optional<drop_reason> record_filter::check_event(const bus::record& r) {
  owner_ = {};
  if (!model::validate_token(r.key)) return drop_reason::invalid_key;
  const std::string_view text = r.value;
  if (text.empty()) return drop_reason::not_json;
  if (buffer_.size() < text.size() + simdjson::SIMDJSON_PADDING) {
    buffer_.resize(text.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(buffer_.data(), text.data(), text.size());
  std::memset(buffer_.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  simdjson::dom::element root;
  if (parser_.parse(buffer_.data(), text.size(), false).get(root) != simdjson::SUCCESS) {
    return drop_reason::not_json;
  }
  simdjson::dom::object event;
  if (root.get_object().get(event) != simdjson::SUCCESS) return drop_reason::not_object;
  std::string_view type_name;
  if (event["type"].get_string().get(type_name) != simdjson::SUCCESS) {
    return drop_reason::unknown_type;
  }
  const auto type = model::parse_event_type(type_name);
  if (!type) return drop_reason::unknown_type;
  if (model::kind_of(*type) != r.kind) return drop_reason::wrong_topic;
  std::string_view token;
  if (event["tokenId"].get_string().get(token) != simdjson::SUCCESS || token != r.key) {
    return drop_reason::key_mismatch;
  }
  if (!event["timestamp"].is_number()) return drop_reason::bad_timestamp;
  if (r.kind == model::kind::balances) {
    std::string_view user;
    if (event["userId"].get_string().get(user) == simdjson::SUCCESS &&
        user.size() <= max_owner_bytes) {
      owner_ = user;
    }
  }
  return std::nullopt;
}

}  // namespace odin::gateway
