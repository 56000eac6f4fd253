#pragma once
// Publisher API keys (PUBLISHER_API_KEYS, PUBLISHER_API_KEYS_FILE): a set of secrets compared in
// constant time, and the `Authorization: Bearer <key>` header parser.
//
//   auto keys = auth::api_key_set::load(env_list, file);   // start-up: may throw
//   if (!keys.empty() && !keys.accepts(auth::bearer_token(request["Authorization"]))) → 401
//
// Threads: immutable after construction; accepts() is safe from any thread.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace odin::auth {

class api_key_set {
 public:
  static constexpr std::size_t min_key_bytes = 16;
  static constexpr std::size_t max_key_bytes = 4096;

  api_key_set() = default;
  // Keys from a comma-separated list and/or a file (one key per line; blank lines and lines
  // starting with `#` skipped; surrounding spaces trimmed). Throws std::invalid_argument naming
  // the source (never the key) for an unreadable file, a key shorter than min_key_bytes or
  // longer than max_key_bytes, or a key with spaces or control characters. Duplicates count once.
  static api_key_set load(std::string_view comma_list, const std::string& file = "");
  // Parses one source without the file: `origin` names it in errors ("PUBLISHER_API_KEYS").
  void add_list(std::string_view text, char separator, bool comments, std::string_view origin);

  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }

  // True when `candidate` equals one of the keys. Every key is compared (CRYPTO_memcmp over
  // the longer length), so the time depends neither on which key matched nor on where a
  // candidate first differs.
  bool accepts(std::string_view candidate) const;

 private:
  std::vector<std::string> keys_;
};

// The credentials of an `Authorization` header value "Bearer <token>" (scheme case-insensitive,
// RFC 7235; one or more spaces; surrounding spaces ignored). nullopt for another scheme, an
// empty token, or a token with spaces or control characters.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace odin::auth
