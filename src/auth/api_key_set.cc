#include "auth/api_key_set.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace odin::auth {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool printable_no_space(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7F;
  });
}

// Constant-time equality of two strings of possibly different lengths: both are compared over
// the longer length (the shorter one padded with zero bytes), and the lengths are compared too.
bool constant_time_equal(std::string_view a, std::string_view b) {
  const std::size_t n = std::max(a.size(), b.size());
  std::string pa(n, '\0');
  std::string pb(n, '\0');
  std::copy(a.begin(), a.end(), pa.begin());
  std::copy(b.begin(), b.end(), pb.begin());
  const int differ = CRYPTO_memcmp(pa.data(), pb.data(), n);
  OPENSSL_cleanse(pa.data(), n);
  OPENSSL_cleanse(pb.data(), n);
  return (differ == 0) & (a.size() == b.size());
}

}  // namespace

api_key_set api_key_set::load(std::string_view comma_list, const std::string& file) {
  api_key_set set;
  set.add_list(comma_list, ',', false, "PUBLISHER_API_KEYS");
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::invalid_argument(fmt::format("API key file {}: cannot be read", file));
    std::ostringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    set.add_list(content, '\n', true, "API key file " + file);
    OPENSSL_cleanse(content.data(), content.size());
  }
  return set;
}

void api_key_set::add_list(std::string_view text, char separator, bool comments,
                           std::string_view origin) {
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const std::size_t end = text.find(separator);
    const std::string_view key = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (key.empty() || (comments && key.front() == '#')) continue;
    const std::string where = comments ? fmt::format("{} line {}", origin, line)
                                       : fmt::format("{} entry {}", origin, line);
    if (key.size() < min_key_bytes || key.size() > max_key_bytes) {
      throw std::invalid_argument(fmt::format("{}: a key must be {} to {} bytes (this one is {})",
                                              where, min_key_bytes, max_key_bytes, key.size()));
    }
    if (!printable_no_space(key)) {
      throw std::invalid_argument(
          fmt::format("{}: a key must be printable ASCII without spaces", where));
    }
    if (std::find(keys_.begin(), keys_.end(), key) == keys_.end()) keys_.emplace_back(key);
  }
}

bool api_key_set::accepts(std::string_view candidate) const {
  bool found = false;
  for (const auto& key : keys_) found |= constant_time_equal(key, candidate);
  return found;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) {
      return std::nullopt;
    }
  }
  std::string_view rest = authorization.substr(scheme.size());
  if (rest.front() != ' ' && rest.front() != '\t') return std::nullopt;
  rest = trim(rest);
  if (rest.empty() || !printable_no_space(rest)) return std::nullopt;
  return rest;
}

}  // namespace odin::auth
