#include "auth/test_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <stdexcept>

#include "auth/base64url.h"

namespace odin::test {
namespace {

std::string bn_param(evp_pkey_st* key, const char* name, int pad) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error(name);
  std::string out(pad > 0 ? pad : BN_num_bytes(bn), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return auth::base64url_encode(out);
}

}  // namespace

void test_key::deleter::operator()(evp_pkey_st* key) const {
  EVP_PKEY_free(key);
}
test_key::test_key(evp_pkey_st* key) : key_(key) {
  if (!key_) throw std::runtime_error("key generation failed");
}
test_key::test_key(test_key&&) noexcept = default;
test_key::~test_key() = default;

test_key test_key::rsa(int bits) {
  return test_key(EVP_RSA_gen(static_cast<unsigned>(bits)));
}
test_key test_key::ec_p256() {
  return test_key(EVP_EC_gen("P-256"));
}
bool test_key::is_rsa() const {
  return EVP_PKEY_get_base_id(key_.get()) == EVP_PKEY_RSA;
}

std::string test_key::public_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key_.get());
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return pem;
}

std::string test_key::jwk(std::string_view kid) const {
  const std::string k(kid);
  if (is_rsa()) {
    return R"({"kty":"RSA","kid":")" + k + R"(","use":"sig","alg":"RS256","n":")" +
           bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_N, 0) + R"(","e":")" +
           bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_E, 0) + R"("})";
  }
  return R"({"kty":"EC","crv":"P-256","kid":")" + k + R"(","x":")" +
         bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32) + R"(","y":")" +
         bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32) + R"("})";
}

std::string test_key::sign(std::string_view input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx, nullptr, &len, in, input.size()) != 1) {
    throw std::runtime_error("sign");
  }
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size());
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  if (is_rsa()) return sig;
  const auto* der = reinterpret_cast<const unsigned char*>(sig.data());
  ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(sig.size()));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(ecdsa);
  return raw;
}

std::string hs256(std::string_view secret, std::string_view input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

std::string make_token(std::string_view header_json, std::string_view payload_json,
                       std::string_view signature) {
  return auth::base64url_encode(header_json) + "." + auth::base64url_encode(payload_json) + "." +
         auth::base64url_encode(signature);
}

std::string signed_token(std::string_view header_json, std::string_view payload_json,
                         std::string_view secret) {
  const std::string input =
      auth::base64url_encode(header_json) + "." + auth::base64url_encode(payload_json);
  return input + "." + auth::base64url_encode(hs256(secret, input));
}

std::string signed_token(std::string_view header_json, std::string_view payload_json,
                         const test_key& key) {
  const std::string input =
      auth::base64url_encode(header_json) + "." + auth::base64url_encode(payload_json);
  return input + "." + auth::base64url_encode(key.sign(input));
}

}  // namespace odin::test
