// Fuzzes parse_request and the replies. Besides the sanitizers, it checks:
// - parse_request says invalid_json exactly when simdjson's DOM parser rejects the text (same
//   depth limit), so the On-Demand walk validates the whole document;
// - accepted requests hold valid, distinct channels and a valid id of at most 64 bytes;
// - every reply it renders is valid JSON carrying the right code and id;
// - parsing is deterministic (the thread_local parser leaks no state between calls).
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "fuzz_require.h"
#include "protocol/client_protocol.h"

namespace {

using namespace odin::protocol;

using ::odin::fuzz::require;

simdjson::dom::parser& dom_parser() {
  static simdjson::dom::parser parser = [] {
    simdjson::dom::parser p;
    // DOM's max_depth counts one more level than the containers it allows.
    require(p.allocate(128 * 1024, max_json_depth + 1) == simdjson::SUCCESS, "allocate");
    return p;
  }();
  return parser;
}

bool valid_json(std::string_view text) {
  return !dom_parser().parse(text.data(), text.size()).error();
}

void check_id(std::string_view id_json) {
  if (id_json.empty()) return;
  require(id_json.size() <= max_id_bytes, "id longer than 64 bytes");
  simdjson::dom::element e;
  require(!dom_parser().parse(id_json.data(), id_json.size()).get(e), "id is not JSON");
  require(e.is_string() || e.is_number(), "id is not a string or number");
}

void check_reply(const std::string& reply, std::string_view type, std::string_view id_json) {
  simdjson::dom::element e;
  require(!dom_parser().parse(reply).get(e), "reply is not valid JSON");
  std::string_view t;
  require(!e["type"].get(t) && t == type, "reply type");
  require(id_json.empty() == (e["id"].error() != simdjson::SUCCESS), "reply id presence");
}

void check_request(const request& r, const protocol_limits& limits) {
  check_id(r.id_json);
  if (r.type == request_type::ping) {
    require(r.channels.empty(), "ping with channels");
    check_reply(render_pong(r.id_json), "pong", r.id_json);
    return;
  }
  if (r.type == request_type::auth) {
    require(r.channels.empty() && !r.token.empty(), "auth with channels or without a token");
    check_reply(render_authenticated(1732283600, r.id_json), "authenticated", r.id_json);
    return;
  }
  require(!r.channels.empty(), "no channels");
  require(r.channels.size() <= limits.max_per_request * 9, "too many channels");
  std::set<std::string> seen;
  std::vector<std::string> names;
  for (const auto& c : r.channels) {
    require(static_cast<bool>(odin::model::validate_token(c.token)), "invalid token accepted");
    names.push_back(odin::model::format_channel(c));
    require(seen.insert(names.back()).second, "duplicate channel");
  }
  check_reply(render_subscribed(names, r.id_json), "subscribed", r.id_json);
  check_reply(render_unsubscribed(names, r.id_json), "unsubscribed", r.id_json);
}

void check_error(const request_error& e) {
  require(!e.message.empty(), "empty message");
  check_id(e.id_json);
  const std::string reply = render_error(e);
  check_reply(reply, "error", e.id_json);
  simdjson::dom::element root;
  std::string_view code;
  require(
      !dom_parser().parse(reply).get(root) && !root["code"].get(code) && code == to_string(e.code),
      "error code");
}

void run(std::string_view text, const protocol_limits& limits) {
  const bool json_ok = valid_json(text);
  const auto r = parse_request(text, limits);
  if (r) {
    require(json_ok, "accepted invalid JSON");
    check_request(r.value(), limits);
  } else {
    require((r.error().code == error_code::invalid_json) == !json_ok,
            "invalid_json disagrees with simdjson DOM");
    check_error(r.error());
  }
  const auto again = parse_request(text, limits);
  require(static_cast<bool>(again) == static_cast<bool>(r), "not deterministic");
  if (!r) require(again.error().message == r.error().message, "not deterministic (message)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;  // the gateway refuses bigger messages before parsing
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  run(text, protocol_limits{});
  run(text, protocol_limits{2});
  return 0;
}
