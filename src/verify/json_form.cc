#include "verify/json_form.h"

#include <nlohmann/json.hpp>

namespace odin::verify {
namespace {

using simdjson::dom::element;

bool read_number(element v, double& out) {
  if (v.is_double()) return v.get_double().get(out) == simdjson::SUCCESS;
  if (v.is_int64()) {
    out = static_cast<double>(int64_t(v.get_int64()));
    return true;
  }
  if (v.is_uint64()) {
    out = static_cast<double>(uint64_t(v.get_uint64()));
    return true;
  }
  return false;
}

bool read_optional(element v, std::optional<double>& out) {
  if (v.is_null()) {
    out.reset();
    return true;
  }
  double d = 0;
  if (!read_number(v, d)) return false;
  out = d;
  return true;
}

bool read_string(element v, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return false;
  out.assign(s);
  return true;
}

// One member into `p`; false for an unknown key or a wrong type. `seen` gets its bit.
bool read_member(std::string_view key, element v, telemetry_point& p, unsigned& seen) {
  auto mark = [&](unsigned bit) {
    const bool first = (seen & bit) == 0;
    seen |= bit;
    return first;
  };
  if (key == "symbol") return mark(1) && read_string(v, p.symbol);
  if (key == "price") return mark(2) && read_number(v, p.price);
  if (key == "volume") return mark(4) && read_number(v, p.volume);
  if (key == "bid") return mark(8) && read_optional(v, p.bid);
  if (key == "ask") return mark(16) && read_optional(v, p.ask);
  if (key == "source") return mark(32) && read_string(v, p.source);
  if (key == "eventTime")
    return mark(64) && v.get_int64().get(p.event_time_ms) == simdjson::SUCCESS;
  return false;
}

}  // namespace

void json_form::encode(const telemetry_point& p, std::string& out) {
  nlohmann::json j = {{"symbol", p.symbol},
                      {"price", p.price},
                      {"volume", p.volume},
                      {"bid", p.bid ? nlohmann::json(*p.bid) : nlohmann::json(nullptr)},
                      {"ask", p.ask ? nlohmann::json(*p.ask) : nlohmann::json(nullptr)},
                      {"source", p.source},
                      {"eventTime", p.event_time_ms}};
  out = j.dump();
}

result<telemetry_point, invalid_reason> json_form::decode(std::string_view text) {
  simdjson::dom::object object;
  if (parser_.parse(text.data(), text.size()).get_object().get(object) != simdjson::SUCCESS) {
    return invalid_reason::not_json;  // also: not UTF-8 (simdjson validates it)
  }
  telemetry_point p;
  unsigned seen = 0;
  for (auto [key, value] : object) {
    if (!read_member(key, value, p, seen)) return invalid_reason::json_mismatch;
  }
  constexpr unsigned required = 1 | 2 | 4 | 32 | 64;  // bid and ask may be left out
  if ((seen & required) != required) return invalid_reason::json_mismatch;
  return p;
}

}  // namespace odin::verify
