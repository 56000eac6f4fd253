#pragma once
// One key that can check JWT signatures: an HMAC secret (HS256), an RSA public key (RS256,
// at least 2048 bits) or a P-256 public key (ES256). Each key verifies exactly one `alg`, so a
// token can never make us use a public key as an HMAC secret (algorithm confusion).
// Construction is start-up code and throws std::invalid_argument with a clear reason;
// verify() never throws.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;

namespace odin::auth {

enum class jwt_alg { hs256, rs256, es256 };

std::string_view alg_name(jwt_alg alg);  // "HS256" ...

class verification_key {
 public:
  // HS256. The secret must be at least 32 bytes (RFC 7518 §3.2: key >= hash size).
  static verification_key hmac(std::string secret, std::string kid = "");
  // RS256 or ES256 from a PEM public key ("-----BEGIN PUBLIC KEY-----", SubjectPublicKeyInfo)
  // or a certificate ("-----BEGIN CERTIFICATE-----"); the key type decides the alg.
  static verification_key from_pem(std::string_view pem, std::string kid = "");
  // Every key of a JWKS document ({"keys":[{"kty":"RSA","kid":..,"n":..,"e":..}, {"kty":"EC",
  // "crv":"P-256","x":..,"y":..}]}). Keys with "use" other than "sig" are skipped; a key whose
  // "alg" is not RS256/ES256 for its type is refused. At least one key must remain.
  static std::vector<verification_key> from_jwks(std::string_view json);

  verification_key(verification_key&&) noexcept;
  verification_key& operator=(verification_key&&) noexcept;
  ~verification_key();

  jwt_alg alg() const { return alg_; }
  const std::string& kid() const { return kid_; }

  // Checks `signature` (raw bytes, base64url-decoded; ES256 as r||s, 64 bytes) over
  // `signing_input` (the token's "header.payload" text).
  bool verify(std::string_view signing_input, std::string_view signature) const;

 private:
  struct pkey_deleter {
    void operator()(evp_pkey_st* key) const;
  };
  verification_key(jwt_alg alg, std::string kid);
  static verification_key from_pkey(evp_pkey_st* key, std::string kid);
  static std::vector<verification_key> keys_of_jwks(std::string_view json);

  jwt_alg alg_;
  std::string kid_;
  std::string secret_;                               // HS256
  std::unique_ptr<evp_pkey_st, pkey_deleter> pkey_;  // RS256 / ES256
};

}  // namespace odin::auth
