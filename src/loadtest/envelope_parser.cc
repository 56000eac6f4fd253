#include "loadtest/envelope_parser.h"

#include <simdjson.h>

#include "loadtest/balance_check.h"

namespace odin::loadtest {
namespace {

// A balances event's data.userId (the only field of "data" the tester reads).
void read_user(simdjson::simdjson_result<simdjson::ondemand::value>& value, envelope& out) {
  out.balances = true;
  simdjson::ondemand::object data;
  if (value.get_object().get(data)) return;
  std::string_view user;
  if (!data.find_field_unordered("userId").get_string().get(user)) out.user = user;
}

}  // namespace

struct envelope_parser::impl {
  simdjson::ondemand::parser parser;
  std::string scratch;
};

envelope_parser::envelope_parser() : impl_(std::make_unique<impl>()) {}
envelope_parser::~envelope_parser() = default;

bool envelope_parser::parse(std::string_view json, std::size_t readable, envelope& out) {
  out = envelope{};
  const char* data = json.data();
  if (readable < json.size() + simdjson::SIMDJSON_PADDING) {
    impl_->scratch.assign(json);
    impl_->scratch.append(simdjson::SIMDJSON_PADDING, ' ');
    data = impl_->scratch.data();
    readable = impl_->scratch.size();
  }
  simdjson::ondemand::document doc;
  if (impl_->parser.iterate(data, json.size(), readable).get(doc)) return false;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    auto value = field.value();
    if (key == "type") {
      if (value.get_string().get(out.type)) return false;
    } else if (key == "channel") {
      if (value.get_string().get(out.channel)) return false;
      out.has_channel = true;
    } else if (key == "seq") {
      if (value.get_uint64().get(out.seq)) return false;
      out.has_seq = true;
    } else if (key == "ts") {
      if (value.get_int64().get(out.ts_us)) return false;
      out.has_ts = true;
    } else if (key == "pos") {
      if (value.get_string().get(out.pos)) return false;
    } else if (key == "recovered") {
      simdjson::ondemand::object rec;
      if (value.get_object().get(rec)) return false;
      for (auto entry : rec) {
        bool ok = false;
        if (entry.value().get_bool().get(ok)) return false;
        ++(ok ? out.recovered_true : out.recovered_false);
      }
    } else if (key == "subscribed") {
      out.has_subscribed = true;
    } else if (key == "error" || key == "code") {
      out.has_error = true;
    } else if (key == "data" && out.has_seq && out.has_ts) {
      if (out.has_channel && is_balances_channel(out.channel)) read_user(value, out);
      break;  // the rest of the event itself: not needed
    }
  }
  return true;
}

}  // namespace odin::loadtest
