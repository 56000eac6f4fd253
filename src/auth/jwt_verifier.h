#pragma once
// Verifies JWT access tokens (RFC 7519, JWS compact form): signature with a configured key
// (HS256 secret, RS256/ES256 PEM public key, keys of a JWKS file selected by `kid`), `exp` and
// `nbf` with a small leeway, optional `iss` / `aud`. A token's `alg` must be the configured
// key's: `none`, unknown algorithms and HS/RS confusion are refused.
//
//   auth::jwt_verifier v(auth::load_jwt_keys(opts), opts);   // start-up: may throw
//   auto r = v.verify(token);                                 // never throws
//   if (r) use(r.value().sub); else log(r.error().reason);
//
// Threads: verify() is const and re-entrant (OpenSSL contexts per call); share one verifier.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/verification_key.h"
#include "common/result.h"

namespace odin::auth {

enum class jwt_errc {
  too_large,        // over max_token_bytes
  malformed,        // not three base64url parts of JSON objects, bad claim types
  unsupported_alg,  // "none", or an algorithm we never verify
  alg_mismatch,     // a supported alg for which no key is configured (e.g. HS256 with a PEM key)
  unknown_kid,      // no configured key has the token's kid
  bad_signature,
  expired,        // exp + leeway <= now
  not_yet_valid,  // nbf - leeway > now
  missing_exp,    // no exp and require_exp
  wrong_issuer,
  wrong_audience,
};

std::string_view jwt_errc_name(jwt_errc e);  // "expired" ...

struct jwt_error {
  jwt_errc code;
  std::string reason;  // for logs: says what was wrong, never echoes the signature
};

struct jwt_claims {
  std::string sub;          // "" when absent
  int64_t exp = 0;          // seconds since the epoch; 0 when absent (require_exp = false)
  bool odin_admin = false;  // true only for the JSON value true
  std::string raw_json;     // the decoded payload
};

struct jwt_options {
  std::string hs256_secret;     // WS_JWT_SECRET: HS256, >= 32 bytes
  std::string public_key_file;  // WS_JWT_PUBLIC_KEY_FILE: PEM, RS256 or ES256
  std::string jwks_file;        // WS_JWT_JWKS_FILE: keys selected by kid
  std::string issuer;           // WS_JWT_ISSUER: "" = not checked
  std::string audience;         // WS_JWT_AUDIENCE: "" = not checked
  std::chrono::seconds leeway{30};
  std::size_t max_token_bytes = 8192;
  bool require_exp = true;
};

// Reads the keys `options` names (secret, PEM file, JWKS file); throws std::invalid_argument
// naming the file and the reason. Empty when nothing is configured.
std::vector<verification_key> load_jwt_keys(const jwt_options& options);

class jwt_verifier {
 public:
  using clock_fn = std::function<std::chrono::system_clock::time_point()>;

  // Throws std::invalid_argument when `keys` is empty or two keys share a kid.
  jwt_verifier(
      std::vector<verification_key> keys, jwt_options options,
      clock_fn now = [] { return std::chrono::system_clock::now(); });

  result<jwt_claims, jwt_error> verify(std::string_view token) const;

 private:
  const verification_key* select_key(jwt_alg alg, const std::string& kid, jwt_error& error) const;
  result<jwt_claims, jwt_error> check_claims(const std::string& payload) const;

  std::vector<verification_key> keys_;
  jwt_options options_;
  clock_fn now_;
};

}  // namespace odin::auth
