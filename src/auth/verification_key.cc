#include "auth/verification_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "auth/base64url.h"

namespace odin::auth {
namespace {

constexpr std::size_t min_hmac_secret_bytes = 32;
constexpr int min_rsa_bits = 2048;
constexpr std::size_t es256_coordinate_bytes = 32;

template <class T, void (*Free)(T*)>
struct ossl_deleter {
  void operator()(T* p) const { Free(p); }
};
using bio_ptr = std::unique_ptr<BIO, ossl_deleter<BIO, BIO_free_all>>;
using bn_ptr = std::unique_ptr<BIGNUM, ossl_deleter<BIGNUM, BN_free>>;
using x509_ptr = std::unique_ptr<X509, ossl_deleter<X509, X509_free>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, ossl_deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, ossl_deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using param_bld_ptr =
    std::unique_ptr<OSSL_PARAM_BLD, ossl_deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using params_ptr = std::unique_ptr<OSSL_PARAM, ossl_deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using ecdsa_sig_ptr = std::unique_ptr<ECDSA_SIG, ossl_deleter<ECDSA_SIG, ECDSA_SIG_free>>;

[[noreturn]] void fail(const std::string& what) {
  ERR_clear_error();
  throw std::invalid_argument(what);
}

EVP_PKEY* read_pem(std::string_view pem) {
  bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)) return key;
  ERR_clear_error();
  bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    fail("not a PEM public key (BEGIN PUBLIC KEY) or certificate (BEGIN CERTIFICATE)");
  }
  return X509_get_pubkey(cert.get());
}

std::string bytes_field(const nlohmann::json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) fail(fmt::format("JWK without \"{}\"", name));
  auto bytes = base64url_decode(it->get<std::string>());
  if (!bytes || bytes->empty()) fail(fmt::format("JWK \"{}\" is not base64url", name));
  return *bytes;
}

bn_ptr to_bignum(const std::string& bytes) {
  return bn_ptr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()), nullptr));
}

EVP_PKEY* pkey_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  params_ptr params(OSSL_PARAM_BLD_to_param(bld));
  pkey_ctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    fail(fmt::format("JWK: OpenSSL refused the {} key", type));
  }
  return key;
}

EVP_PKEY* rsa_from_jwk(const nlohmann::json& jwk) {
  const bn_ptr n = to_bignum(bytes_field(jwk, "n"));
  const bn_ptr e = to_bignum(bytes_field(jwk, "e"));
  param_bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!n || !e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
    fail("JWK: bad RSA parameters");
  }
  return pkey_from_params("RSA", bld.get());
}

EVP_PKEY* ec_from_jwk(const nlohmann::json& jwk) {
  if (jwk.value("crv", "") != "P-256") fail("JWK: EC keys must have \"crv\":\"P-256\" (ES256)");
  const std::string x = bytes_field(jwk, "x");
  const std::string y = bytes_field(jwk, "y");
  if (x.size() != es256_coordinate_bytes || y.size() != es256_coordinate_bytes) {
    fail("JWK: P-256 \"x\" and \"y\" must be 32 bytes each");
  }
  const std::string point = "\x04" + x + y;  // uncompressed point
  param_bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size())) {
    fail("JWK: bad EC parameters");
  }
  return pkey_from_params("EC", bld.get());
}

bool verify_digest(EVP_PKEY* key, std::string_view input, const unsigned char* sig,
                   std::size_t sig_len) {
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), sig, sig_len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

// JWS ES256 signatures are r||s (RFC 7518 §3.4); OpenSSL wants DER.
bool verify_es256(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  if (signature.size() != 2 * es256_coordinate_bytes) return false;
  const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
  ecdsa_sig_ptr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw, es256_coordinate_bytes, nullptr);
  BIGNUM* s = BN_bin2bn(raw + es256_coordinate_bytes, es256_coordinate_bytes, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) return false;
  const bool ok = verify_digest(key, input, der, static_cast<std::size_t>(der_len));
  OPENSSL_free(der);
  return ok;
}

}  // namespace

std::string_view alg_name(jwt_alg alg) {
  switch (alg) {
    case jwt_alg::hs256:
      return "HS256";
    case jwt_alg::rs256:
      return "RS256";
    case jwt_alg::es256:
      return "ES256";
  }
  return "?";
}

void verification_key::pkey_deleter::operator()(evp_pkey_st* key) const {
  EVP_PKEY_free(key);
}

verification_key::verification_key(jwt_alg alg, std::string kid)
    : alg_(alg), kid_(std::move(kid)) {}
verification_key::verification_key(verification_key&&) noexcept = default;
verification_key& verification_key::operator=(verification_key&&) noexcept = default;
verification_key::~verification_key() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

verification_key verification_key::hmac(std::string secret, std::string kid) {
  if (secret.size() < min_hmac_secret_bytes) {
    fail(fmt::format("HS256 secret is {} bytes; at least {} are required", secret.size(),
                     min_hmac_secret_bytes));
  }
  verification_key key(jwt_alg::hs256, std::move(kid));
  key.secret_ = std::move(secret);
  return key;
}

verification_key verification_key::from_pkey(evp_pkey_st* raw, std::string kid) {
  std::unique_ptr<evp_pkey_st, pkey_deleter> pkey(raw);
  if (!pkey) fail("no public key");
  const int type = EVP_PKEY_get_base_id(pkey.get());
  jwt_alg alg = jwt_alg::rs256;
  if (type == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(pkey.get()) < min_rsa_bits) {
      fail(fmt::format("RSA key of {} bits; RS256 needs at least {}", EVP_PKEY_get_bits(pkey.get()),
                       min_rsa_bits));
    }
  } else if (type == EVP_PKEY_EC) {
    char group[64] = {};
    if (EVP_PKEY_get_utf8_string_param(pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       nullptr) != 1 ||
        std::string_view(group) != "prime256v1") {
      fail(fmt::format("EC key on curve {}; ES256 needs P-256 (prime256v1)", group));
    }
    alg = jwt_alg::es256;
  } else {
    fail("public key is neither RSA (RS256) nor EC P-256 (ES256)");
  }
  verification_key key(alg, std::move(kid));
  key.pkey_ = std::move(pkey);
  return key;
}

verification_key verification_key::from_pem(std::string_view pem, std::string kid) {
  return from_pkey(read_pem(pem), std::move(kid));
}

std::vector<verification_key> verification_key::from_jwks(std::string_view json) {
  try {
    return keys_of_jwks(json);
  } catch (const nlohmann::json::exception& e) {  // a member of the wrong JSON type
    fail(fmt::format("JWKS: {}", e.what()));
  }
}

std::vector<verification_key> verification_key::keys_of_jwks(std::string_view json) {
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    fail("JWKS: expected a JSON object {\"keys\":[...]}");
  }
  std::vector<verification_key> keys;
  for (const auto& jwk : doc["keys"]) {
    if (!jwk.is_object()) fail("JWKS: every key must be a JSON object");
    if (jwk.value("use", "sig") != "sig") continue;
    const std::string kty = jwk.value("kty", "");
    const std::string kid = jwk.contains("kid") && jwk["kid"].is_string() ? jwk["kid"] : "";
    if (kty != "RSA" && kty != "EC") fail(fmt::format("JWKS: key type \"{}\" unsupported", kty));
    verification_key key = from_pkey(kty == "RSA" ? rsa_from_jwk(jwk) : ec_from_jwk(jwk), kid);
    if (jwk.contains("alg") && jwk["alg"] != std::string(alg_name(key.alg()))) {
      fail(fmt::format("JWKS: key \"{}\" has alg {}; a {} key verifies {} only", kid,
                       jwk["alg"].dump(), kty, alg_name(key.alg())));
    }
    keys.push_back(std::move(key));
  }
  if (keys.empty()) fail("JWKS: no signing key");
  return keys;
}

bool verification_key::verify(std::string_view input, std::string_view signature) const {
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  switch (alg_) {
    case jwt_alg::hs256: {
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int mac_len = 0;
      if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
               reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
               &mac_len) == nullptr) {
        ERR_clear_error();
        return false;
      }
      return signature.size() == mac_len && CRYPTO_memcmp(mac, sig, mac_len) == 0;
    }
    case jwt_alg::rs256:
      return verify_digest(pkey_.get(), input, sig, signature.size());
    case jwt_alg::es256:
      return verify_es256(pkey_.get(), input, signature);
  }
  return false;
}

}  // namespace odin::auth
