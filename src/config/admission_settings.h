#pragma once
// Parsers of the admission and admin-listener settings (issue 9): WS_ALLOWED_ORIGINS,
// WS_ADMIN_ADDR / PUBLISHER_ADMIN_ADDR. Throw invalid_value with what is allowed.
#include <string>
#include <string_view>
#include <vector>

namespace odin::config {

// "https://app.example.com, http://localhost:8080" or "*": each an exact origin —
// http:// or https://, a host, an optional port, nothing else (no path, no trailing slash).
// Lower-cased, duplicates removed. "*" alone = any origin (returned as {"*"}).
std::vector<std::string> parse_origin_list(std::string_view text);
std::string format_origin_list(const std::vector<std::string>& origins);  // "" = any

}  // namespace odin::config
