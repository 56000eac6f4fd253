#include "auth/jwt_verifier.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "auth/base64url.h"
#include "auth/test_keys.h"

namespace odin::auth {
namespace {

using test::make_token;
using test::signed_token;
using test::test_key;

constexpr int64_t now_s = 1'800'000'000;
const std::string secret = "0123456789abcdef0123456789abcdef-secret";
const std::string hs_header = R"({"alg":"HS256","typ":"JWT"})";
const std::string rs_header = R"({"alg":"RS256","typ":"JWT"})";
const std::string es_header = R"({"alg":"ES256","typ":"JWT"})";

std::string claims(int64_t exp_offset = 600, std::string extra = "") {
  return R"({"sub":"user-1","exp":)" + std::to_string(now_s + exp_offset) + extra + "}";
}

const test_key& rsa_key() {
  static const test_key key = test_key::rsa();
  return key;
}
const test_key& ec_key() {
  static const test_key key = test_key::ec_p256();
  return key;
}

jwt_verifier::clock_fn fixed_clock() {
  return [] { return std::chrono::system_clock::time_point(std::chrono::seconds(now_s)); };
}

std::vector<verification_key> keys_of(std::initializer_list<const test_key*> pems) {
  std::vector<verification_key> keys;
  for (const auto* k : pems) keys.push_back(verification_key::from_pem(k->public_pem()));
  return keys;
}

jwt_verifier hs_verifier(jwt_options o = {}) {
  std::vector<verification_key> keys;
  keys.push_back(verification_key::hmac(secret));
  return jwt_verifier(std::move(keys), o, fixed_clock());
}

jwt_errc error_of(const jwt_verifier& v, const std::string& token) {
  auto r = v.verify(token);
  EXPECT_FALSE(r.has_value()) << "accepted: " << token;
  return r ? jwt_errc::malformed : r.error().code;
}

TEST(Base64url, RoundTripsAndRefusesNonCanonical) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"}) {
    EXPECT_EQ(base64url_decode(base64url_encode(s)), s);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64url_decode("Zm9v=").has_value());  // padding
  EXPECT_FALSE(base64url_decode("Zm+v").has_value());   // base64, not base64url
  EXPECT_FALSE(base64url_decode("Z").has_value());      // impossible length
  EXPECT_FALSE(base64url_decode("Zh").has_value());     // low bits set: "Zg" is canonical
  EXPECT_TRUE(base64url_decode("Zg").has_value());
}

TEST(JwtVerifier, AcceptsValidHs256AndReturnsClaims) {
  const auto v = hs_verifier();
  auto r = v.verify(signed_token(hs_header, claims(600, R"(,"odin_admin":true)"), secret));
  ASSERT_TRUE(r.has_value()) << r.error().reason;
  EXPECT_EQ(r.value().sub, "user-1");
  EXPECT_EQ(r.value().exp, now_s + 600);
  EXPECT_TRUE(r.value().odin_admin);
  EXPECT_NE(r.value().raw_json.find("\"odin_admin\":true"), std::string::npos);
}

TEST(JwtVerifier, AdminOnlyForJsonTrue) {
  const auto v = hs_verifier();
  for (std::string admin : {R"(,"odin_admin":"true")", R"(,"odin_admin":1)", ""}) {
    auto r = v.verify(signed_token(hs_header, claims(600, admin), secret));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(r.value().odin_admin) << admin;
  }
}

TEST(JwtVerifier, AcceptsValidRs256AndEs256FromPem) {
  const jwt_verifier v(keys_of({&rsa_key(), &ec_key()}), {}, fixed_clock());
  auto rs = v.verify(signed_token(rs_header, claims(), rsa_key()));
  ASSERT_TRUE(rs.has_value()) << rs.error().reason;
  EXPECT_EQ(rs.value().sub, "user-1");
  auto es = v.verify(signed_token(es_header, claims(), ec_key()));
  ASSERT_TRUE(es.has_value()) << es.error().reason;
  // The same signature on another payload fails.
  const std::string good = signed_token(es_header, claims(), ec_key());
  const std::string sig = good.substr(good.rfind('.'));
  EXPECT_EQ(error_of(v, base64url_encode(es_header) + "." + base64url_encode(claims(900)) + sig),
            jwt_errc::bad_signature);
  // An ES256 signature of the wrong length.
  EXPECT_EQ(error_of(v, good.substr(0, good.rfind('.')) + "." + base64url_encode("short")),
            jwt_errc::bad_signature);
}

TEST(JwtVerifier, ExpiryAndNotBeforeWithLeeway) {
  const auto v = hs_verifier();  // leeway 30 s
  EXPECT_EQ(error_of(v, signed_token(hs_header, claims(-31), secret)), jwt_errc::expired);
  EXPECT_EQ(error_of(v, signed_token(hs_header, claims(-30), secret)), jwt_errc::expired);
  EXPECT_TRUE(v.verify(signed_token(hs_header, claims(-29), secret)).has_value());
  const std::string nbf_late = ",\"nbf\":" + std::to_string(now_s + 31);
  const std::string nbf_near = ",\"nbf\":" + std::to_string(now_s + 29);
  EXPECT_EQ(error_of(v, signed_token(hs_header, claims(600, nbf_late), secret)),
            jwt_errc::not_yet_valid);
  EXPECT_TRUE(v.verify(signed_token(hs_header, claims(600, nbf_near), secret)).has_value());
  EXPECT_EQ(error_of(v, signed_token(hs_header, R"({"sub":"u"})", secret)), jwt_errc::missing_exp);
  EXPECT_EQ(error_of(v, signed_token(hs_header, R"({"sub":"u","exp":"soon"})", secret)),
            jwt_errc::malformed);
}

TEST(JwtVerifier, ClockIsInjected) {
  int64_t t = now_s;
  std::vector<verification_key> keys;
  keys.push_back(verification_key::hmac(secret));
  const jwt_verifier v(std::move(keys), {}, [&] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(t));
  });
  const std::string token = signed_token(hs_header, claims(60), secret);
  EXPECT_TRUE(v.verify(token).has_value());
  t = now_s + 91;
  EXPECT_EQ(error_of(v, token), jwt_errc::expired);
}

TEST(JwtVerifier, RefusesWrongSecret) {
  const auto v = hs_verifier();
  EXPECT_EQ(error_of(v, signed_token(hs_header, claims(), secret + "x")), jwt_errc::bad_signature);
}

TEST(JwtVerifier, RefusesAlgNone) {
  const auto v = hs_verifier();
  for (std::string alg : {"none", "None", "NONE", "HS512", "PS256", ""}) {
    const std::string header = R"({"alg":")" + alg + R"("})";
    EXPECT_EQ(error_of(v, make_token(header, claims(), "")), jwt_errc::unsupported_alg) << alg;
    EXPECT_EQ(error_of(v, make_token(header, claims(), "sig")), jwt_errc::unsupported_alg) << alg;
  }
}

TEST(JwtVerifier, RefusesHsSignedWithThePublicKey) {
  const std::string pem = rsa_key().public_pem();
  const std::string forged = signed_token(hs_header, claims(), pem);
  // Only the RSA key configured: HS256 has no key at all.
  const jwt_verifier rs_only(keys_of({&rsa_key()}), {}, fixed_clock());
  EXPECT_EQ(error_of(rs_only, forged), jwt_errc::alg_mismatch);
  // Secret and RSA key both configured: HS256 is checked with the secret only.
  auto keys = keys_of({&rsa_key()});
  keys.push_back(verification_key::hmac(secret));
  const jwt_verifier both(std::move(keys), {}, fixed_clock());
  EXPECT_EQ(error_of(both, forged), jwt_errc::bad_signature);
  // And the reverse: an RS256 token against an HS-only verifier.
  EXPECT_EQ(error_of(hs_verifier(), signed_token(rs_header, claims(), rsa_key())),
            jwt_errc::alg_mismatch);
  // An ES256 header on an RSA signature.
  EXPECT_EQ(error_of(rs_only, signed_token(es_header, claims(), rsa_key())),
            jwt_errc::alg_mismatch);
}

TEST(JwtVerifier, RefusesGarbage) {
  const auto v = hs_verifier();
  const std::string good = signed_token(hs_header, claims(), secret);
  const std::string b64_array = base64url_encode("[1,2]");
  for (std::string token :
       {std::string(), std::string("abc"), std::string("a.b"), std::string(".."),
        std::string("a.b.c.d"), good + ".", "!!!" + good, good.substr(0, good.size() - 1) + "=",
        b64_array + "." + b64_array + ".c2ln", base64url_encode("{\"alg\":") + ".e30.c2ln",
        base64url_encode(R"({"alg":"HS256","crit":["x"]})") + ".e30.c2ln",
        base64url_encode(R"({"alg":"HS256","kid":5})") + ".e30.c2ln",
        std::string("\0\0.\xff.\n", 7)}) {
    auto r = v.verify(token);
    EXPECT_FALSE(r.has_value()) << token;
  }
  // A valid signature over a payload that is not an object is refused too.
  EXPECT_EQ(error_of(v, signed_token(hs_header, "[1]", secret)), jwt_errc::malformed);
  EXPECT_EQ(error_of(v, signed_token(hs_header, claims(600, R"(,"sub":7)"), secret)),
            jwt_errc::malformed);
}

TEST(JwtVerifier, RefusesOversizedTokens) {
  const auto v = hs_verifier();
  const std::string pad(5900, 'x');
  const std::string fits = signed_token(hs_header, claims(600, R"(,"pad":")" + pad + "\""), secret);
  ASSERT_LE(fits.size(), 8192u);
  EXPECT_TRUE(v.verify(fits).has_value());
  const std::string big(9000, 'x');
  const std::string over = signed_token(hs_header, claims(600, R"(,"pad":")" + big + "\""), secret);
  ASSERT_GT(over.size(), 8192u);
  auto r = v.verify(over);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, jwt_errc::too_large);
}

TEST(JwtVerifier, IssuerAndAudience) {
  jwt_options o;
  o.issuer = "https://auth.example";
  o.audience = "odin";
  const auto v = hs_verifier(o);
  const std::string iss = R"(,"iss":"https://auth.example")";
  EXPECT_TRUE(v.verify(signed_token(hs_header, claims(600, iss + R"(,"aud":"odin")"), secret)));
  EXPECT_TRUE(
      v.verify(signed_token(hs_header, claims(600, iss + R"(,"aud":["x","odin"])"), secret)));
  EXPECT_EQ(
      error_of(v, signed_token(hs_header, claims(600, R"(,"iss":"evil","aud":"odin")"), secret)),
      jwt_errc::wrong_issuer);
  EXPECT_EQ(error_of(v, signed_token(hs_header, claims(600, R"(,"aud":"odin")"), secret)),
            jwt_errc::wrong_issuer);
  EXPECT_EQ(error_of(v, signed_token(hs_header, claims(600, iss + R"(,"aud":"other")"), secret)),
            jwt_errc::wrong_audience);
  EXPECT_EQ(error_of(v, signed_token(hs_header, claims(600, iss + R"(,"aud":["a"])"), secret)),
            jwt_errc::wrong_audience);
  EXPECT_EQ(error_of(v, signed_token(hs_header, claims(600, iss), secret)),
            jwt_errc::wrong_audience);
}

std::string jwks_of(std::initializer_list<std::pair<const test_key*, std::string>> keys) {
  std::string out = R"({"keys":[)";
  for (const auto& [key, kid] : keys) out += (out.back() == '[' ? "" : ",") + key->jwk(kid);
  return out + "]}";
}

TEST(JwtVerifier, JwksSelectsByKid) {
  static const test_key rsa2 = test_key::rsa();
  const jwt_verifier v(
      verification_key::from_jwks(jwks_of({{&rsa_key(), "k1"}, {&rsa2, "k2"}, {&ec_key(), "e1"}})),
      {}, fixed_clock());
  const auto header = [](std::string alg, std::string kid) {
    return R"({"alg":")" + alg + R"(","kid":")" + kid + R"("})";
  };
  EXPECT_TRUE(v.verify(signed_token(header("RS256", "k1"), claims(), rsa_key())));
  EXPECT_TRUE(v.verify(signed_token(header("RS256", "k2"), claims(), rsa2)));
  EXPECT_TRUE(v.verify(signed_token(header("ES256", "e1"), claims(), ec_key())));
  // Signed with k1 but naming k2: checked against k2 and refused.
  EXPECT_EQ(error_of(v, signed_token(header("RS256", "k2"), claims(), rsa_key())),
            jwt_errc::bad_signature);
  EXPECT_EQ(error_of(v, signed_token(header("RS256", "k9"), claims(), rsa_key())),
            jwt_errc::unknown_kid);
  // kid of an EC key with alg RS256: no RS256 key has it.
  EXPECT_EQ(error_of(v, signed_token(header("RS256", "e1"), claims(), rsa_key())),
            jwt_errc::unknown_kid);
  // No kid, two RS256 keys: ambiguous. No kid, one ES256 key: that one.
  EXPECT_EQ(error_of(v, signed_token(rs_header, claims(), rsa_key())), jwt_errc::unknown_kid);
  EXPECT_TRUE(v.verify(signed_token(es_header, claims(), ec_key())));
}

TEST(JwtVerifier, StartupRefusesBadKeys) {
  EXPECT_THROW(verification_key::hmac("short secret, 31 bytes long...."), std::invalid_argument);
  EXPECT_NO_THROW(verification_key::hmac(std::string(32, 'k')));
  EXPECT_THROW(verification_key::from_pem("not a pem"), std::invalid_argument);
  EXPECT_THROW(verification_key::from_pem(test_key::rsa(1024).public_pem()), std::invalid_argument);
  EXPECT_THROW(verification_key::from_jwks("[]"), std::invalid_argument);
  EXPECT_THROW(verification_key::from_jwks(R"({"keys":[]})"), std::invalid_argument);
  EXPECT_THROW(verification_key::from_jwks(R"({"keys":[{"kty":"RSA","use":5}]})"),
               std::invalid_argument);
  EXPECT_THROW(verification_key::from_jwks(R"({"keys":[{"kty":["RSA"]}]})"), std::invalid_argument);
  EXPECT_THROW(verification_key::from_jwks(R"({"keys":[{"kty":"oct","k":"AAAA"}]})"),
               std::invalid_argument);
  EXPECT_THROW(
      verification_key::from_jwks(R"({"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]})"),
      std::invalid_argument);
  std::string wrong_alg = rsa_key().jwk("k");
  wrong_alg.replace(wrong_alg.find("RS256"), 5, "HS256");
  EXPECT_THROW(verification_key::from_jwks(R"({"keys":[)" + wrong_alg + "]}"),
               std::invalid_argument);
  EXPECT_THROW(jwt_verifier({}, {}), std::invalid_argument);
  EXPECT_THROW(
      jwt_verifier(verification_key::from_jwks(jwks_of({{&rsa_key(), "a"}, {&ec_key(), "a"}})), {}),
      std::invalid_argument);
}

TEST(JwtVerifier, LoadsKeysFromFiles) {
  const std::string pem_path = ::testing::TempDir() + "odin_jwt_key.pem";
  const std::string jwks_path = ::testing::TempDir() + "odin_jwt.jwks";
  std::ofstream(pem_path) << ec_key().public_pem();
  std::ofstream(jwks_path) << jwks_of({{&rsa_key(), "k1"}});
  jwt_options o;
  o.hs256_secret = secret;
  o.public_key_file = pem_path;
  o.jwks_file = jwks_path;
  auto keys = load_jwt_keys(o);
  ASSERT_EQ(keys.size(), 3u);
  const jwt_verifier v(std::move(keys), o, fixed_clock());
  EXPECT_TRUE(v.verify(signed_token(hs_header, claims(), secret)));
  EXPECT_TRUE(v.verify(signed_token(es_header, claims(), ec_key())));
  EXPECT_TRUE(v.verify(signed_token(R"({"alg":"RS256","kid":"k1"})", claims(), rsa_key())));
  o.public_key_file = pem_path + ".missing";
  try {
    load_jwt_keys(o);
    ADD_FAILURE() << "missing file accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(".missing"), std::string::npos) << e.what();
  }
  std::remove(pem_path.c_str());
  std::remove(jwks_path.c_str());
}

}  // namespace
}  // namespace odin::auth
