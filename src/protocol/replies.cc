#include "protocol/replies.h"

#include <fmt/format.h>

#include "common/json_escape.h"

namespace odin::protocol {
namespace {

void append_id(std::string& out, std::string_view id_json) {
  if (id_json.empty()) return;
  out += R"(,"id":)";
  out += id_json;
}

std::string render_channels(std::string_view type, const std::vector<std::string>& channels,
                            std::string_view id_json) {
  std::string out;
  out.reserve(40 + id_json.size() + channels.size() * 24);
  out += R"({"type":")";
  out += type;
  out += R"(","channels":[)";
  for (std::size_t i = 0; i < channels.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, channels[i]);
  }
  out += ']';
  append_id(out, id_json);
  out += '}';
  return out;
}

}  // namespace

std::string render_subscribed(const std::vector<std::string>& channels, std::string_view id_json) {
  return render_channels("subscribed", channels, id_json);
}

std::string render_subscribed(const std::vector<std::string>& channels, std::string_view id_json,
                              const std::vector<std::pair<std::string, bool>>& recovered) {
  std::string out = render_channels("subscribed", channels, {});
  out.pop_back();  // '}'
  out += R"(,"recovered":{)";
  for (std::size_t i = 0; i < recovered.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, recovered[i].first);
    out += recovered[i].second ? ":true" : ":false";
  }
  out += '}';
  append_id(out, id_json);
  out += '}';
  return out;
}

std::string render_unsubscribed(const std::vector<std::string>& channels,
                                std::string_view id_json) {
  return render_channels("unsubscribed", channels, id_json);
}

std::string render_pong(std::string_view id_json) {
  std::string out = R"({"type":"pong")";
  append_id(out, id_json);
  out += '}';
  return out;
}

std::string render_authenticated(int64_t exp, std::string_view id_json) {
  std::string out = fmt::format(R"({{"type":"authenticated","exp":{})", exp);
  append_id(out, id_json);
  out += '}';
  return out;
}

std::string render_error(error_code code, std::string_view message, std::string_view id_json) {
  std::string out;
  out.reserve(48 + message.size() + id_json.size());
  out += R"({"type":"error","code":")";
  out += to_string(code);
  out += R"(","message":)";
  append_json_string(out, message);
  append_id(out, id_json);
  out += '}';
  return out;
}

}  // namespace odin::protocol
