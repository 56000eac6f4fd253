#include "config/admission_settings.h"

#include <algorithm>

#include <fmt/format.h>

#include "config/value_parsers.h"

namespace odin::config {
namespace {

bool valid_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '[' ||
         c == ']' || c == ':';
}

std::string parse_origin(std::string_view text) {
  std::string o(trim(text));
  for (char& c : o) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (o == "*") return o;
  std::string_view rest = o;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    throw invalid_value(fmt::format(
        "'{}' is not an origin: expected scheme://host[:port] such as https://app.example.com, "
        "or *",
        o));
  }
  if (rest.empty() || !std::all_of(rest.begin(), rest.end(), valid_host_char)) {
    throw invalid_value(fmt::format(
        "'{}' is not an origin: expected http(s)://host[:port] with no path and no trailing "
        "slash, as browsers send it",
        o));
  }
  return o;
}

}  // namespace

std::vector<std::string> parse_origin_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    std::string o = parse_origin(item);
    if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(std::move(o));
  }
  if (out.empty()) throw invalid_value("expected a comma-separated list of origins, or *");
  if (std::find(out.begin(), out.end(), "*") != out.end()) return {"*"};
  return out;
}

std::string format_origin_list(const std::vector<std::string>& origins) {
  return fmt::format("{}", fmt::join(origins, ","));
}

}  // namespace odin::config
