#pragma once
// Keys generated in-test with OpenSSL EVP, and JWT signing for them (tests and fuzz seeds).
#include <memory>
#include <string>
#include <string_view>

struct evp_pkey_st;

namespace odin::test {

class test_key {
 public:
  static test_key rsa(int bits = 2048);
  static test_key ec_p256();
  test_key(test_key&&) noexcept;
  ~test_key();

  std::string public_pem() const;
  // {"kty":..., "kid":kid, ...} public JWK.
  std::string jwk(std::string_view kid) const;
  // RS256 (RSA) or ES256 (EC, r||s) signature over `input`, raw bytes.
  std::string sign(std::string_view input) const;
  bool is_rsa() const;

 private:
  explicit test_key(evp_pkey_st* key);
  struct deleter {
    void operator()(evp_pkey_st* key) const;
  };
  std::unique_ptr<evp_pkey_st, deleter> key_;
};

std::string hs256(std::string_view secret, std::string_view input);

// "base64url(header).base64url(payload).base64url(signature)"
std::string make_token(std::string_view header_json, std::string_view payload_json,
                       std::string_view signature);
// Signs header.payload: with `secret` (HS256) or `key` (RS256/ES256).
std::string signed_token(std::string_view header_json, std::string_view payload_json,
                         std::string_view secret);
std::string signed_token(std::string_view header_json, std::string_view payload_json,
                         const test_key& key);

}  // namespace odin::test
