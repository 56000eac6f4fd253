#pragma once
// The .env file: KEY=VALUE lines, '#' comments (whole line, or after a space in an unquoted
// value), an optional "export " prefix, 'single' (literal) or "double" (\n \t \" \\ escapes)
// quoted values. No variable expansion. A later line overrides an earlier one.
#include <map>
#include <string>
#include <string_view>

namespace odin::config {

// Throws config_error "<source>:<line>: <reason>" on a malformed line.
std::map<std::string, std::string> parse_env_text(std::string_view text, std::string_view source);

// Reads and parses a file; throws config_error when it cannot be read or is malformed.
std::map<std::string, std::string> parse_env_file(const std::string& path);

}  // namespace odin::config
