#include "http/content_type.h"

#include <algorithm>
#include <cctype>

namespace odin::http {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_json_body_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  if (content_type.empty() || iequal(content_type, "application/json") ||
      iequal(content_type, "application/x-www-form-urlencoded")) {
    return true;
  }
  constexpr std::string_view prefix = "application/", suffix = "+json";
  return content_type.size() > prefix.size() + suffix.size() &&
         iequal(content_type.substr(0, prefix.size()), prefix) &&
         iequal(content_type.substr(content_type.size() - suffix.size()), suffix);
}

}  // namespace odin::http
