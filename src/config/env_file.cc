#include "config/env_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "config/config_error.h"
#include "config/value_parsers.h"

namespace odin::config {
namespace {

bool key_char(char c, bool first) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (!first && c >= '0' && c <= '9');
}

// Anything after a closing quote must be blank or a comment.
bool only_comment(std::string_view rest) {
  rest = trim(rest);
  return rest.empty() || rest.front() == '#';
}

// The value after '='; nullopt with `error` set when malformed.
std::optional<std::string> parse_value(std::string_view raw, std::string& error) {
  raw = trim(raw);
  if (raw.empty()) return std::string();
  const char quote = raw.front();
  if (quote == '\'') {
    const std::size_t close = raw.find('\'', 1);
    if (close == std::string_view::npos) return error = "unterminated single quote", std::nullopt;
    if (!only_comment(raw.substr(close + 1))) {
      return error = "unexpected text after the closing quote", std::nullopt;
    }
    return std::string(raw.substr(1, close - 1));
  }
  if (quote == '"') {
    std::string value;
    for (std::size_t i = 1; i < raw.size(); ++i) {
      const char c = raw[i];
      if (c == '"') {
        if (!only_comment(raw.substr(i + 1))) {
          return error = "unexpected text after the closing quote", std::nullopt;
        }
        return value;
      }
      if (c != '\\' || i + 1 == raw.size()) {
        value.push_back(c);
        continue;
      }
      const char e = raw[++i];
      value.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
    }
    return error = "unterminated double quote", std::nullopt;
  }
  // Unquoted: an inline comment starts at " #".
  for (std::size_t i = 1; i < raw.size(); ++i) {
    if (raw[i] == '#' && (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
      raw = trim(raw.substr(0, i));
      break;
    }
  }
  return std::string(raw);
}

// One line; nullopt key for blank/comment lines. Throws on a malformed line.
std::optional<std::pair<std::string, std::string>> parse_line(std::string_view line,
                                                              std::string_view where) {
  line = trim(line);
  if (line.empty() || line.front() == '#') return std::nullopt;
  if (line.starts_with("export ") || line.starts_with("export\t")) line = trim(line.substr(7));
  const std::size_t eq = line.find('=');
  const auto fail = [&](std::string_view reason) {
    return config_error(fmt::format("{}: {} (expected KEY=VALUE)", where, reason));
  };
  if (eq == std::string_view::npos) throw fail("no '='");
  const std::string_view key = trim(line.substr(0, eq));
  bool key_ok = !key.empty();
  for (std::size_t i = 0; key_ok && i < key.size(); ++i) key_ok = key_char(key[i], i == 0);
  if (!key_ok) throw fail(fmt::format("bad variable name \"{}\"", key));
  std::string error;
  auto value = parse_value(line.substr(eq + 1), error);
  if (!value) throw fail(error);
  return std::pair(std::string(key), std::move(*value));
}

}  // namespace

std::map<std::string, std::string> parse_env_text(std::string_view text, std::string_view source) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte order mark
  std::map<std::string, std::string> vars;
  std::size_t line_no = 0;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    ++line_no;
    auto entry = parse_line(text.substr(start, end - start), fmt::format("{}:{}", source, line_no));
    if (entry) vars[std::move(entry->first)] = std::move(entry->second);
    start = end + 1;
  }
  return vars;
}

std::map<std::string, std::string> parse_env_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw config_error(fmt::format("{}: read error", path));
  return parse_env_text(content.str(), path);
}

}  // namespace odin::config
