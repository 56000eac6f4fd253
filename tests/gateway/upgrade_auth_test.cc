// upgrade_auth: the decision on an upgrade's token, with an injected clock.
#include "gateway/upgrade_auth.h"

#include <gtest/gtest.h>

#include "auth/test_keys.h"

namespace odin::gateway {
namespace {

const std::string secret = "an-hs256-test-secret-of-at-least-32-bytes!";
constexpr int64_t t0 = 1'800'000'000;  // the injected "now"

auth::jwt_verifier make(int64_t now = t0) {
  auth::jwt_options o;
  o.hs256_secret = secret;
  o.leeway = std::chrono::seconds(5);
  return auth::jwt_verifier(auth::load_jwt_keys(o), o, [now] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(now));
  });
}

std::string token(const std::string& claims) {
  return odin::test::signed_token(R"({"alg":"HS256"})", claims, secret);
}

TEST(QueryParameter, FindsDecodesAndIgnoresOthers) {
  EXPECT_EQ(query_parameter("/ws?token=abc", "token"), "abc");
  EXPECT_EQ(query_parameter("/ws?a=1&token=a%2Eb.c&b=2", "token"), "a.b.c");
  EXPECT_EQ(query_parameter("/?xtoken=1&token=", "token"), "");
  EXPECT_EQ(query_parameter("/ws?tokens=1", "token"), std::nullopt);
  EXPECT_EQ(query_parameter("/ws", "token"), std::nullopt);
  EXPECT_EQ(query_parameter("/ws?a=1#token=2", "token"), std::nullopt);
}

TEST(UpgradeAuth, ModesDecideWhatNoTokenMeans) {
  const auto v = make();
  EXPECT_FALSE(authorize_upgrade("/ws", "", auth_mode::optional, &v).value().authenticated);
  const auto r = authorize_upgrade("/ws", "", auth_mode::required, &v);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "missing_token");
  EXPECT_EQ(www_authenticate(r.error()), "Bearer");
  // Off: a token, even a bad one, is not read.
  EXPECT_FALSE(authorize_upgrade("/ws?token=x", "", auth_mode::off, nullptr).value().authenticated);
}

TEST(UpgradeAuth, IdentityFromAValidTokenInEitherPlace) {
  const auto v = make();
  const std::string t = token(R"({"sub":"user-7","exp":1800000100,"odin_admin":true})");
  for (const auto& [target, header] :
       {std::pair<std::string, std::string>{"/ws?token=" + t, ""}, {"/ws", "Bearer " + t}}) {
    const auto r = authorize_upgrade(target, header, auth_mode::required, &v);
    ASSERT_TRUE(r) << r.error().reason;
    EXPECT_TRUE(r.value().authenticated);
    EXPECT_EQ(r.value().sub, "user-7");
    EXPECT_TRUE(r.value().admin);
    EXPECT_EQ(r.value().exp, 1800000100);
  }
}

TEST(UpgradeAuth, ExpiryFollowsTheInjectedClockAndLeeway) {
  const std::string t = token(R"({"sub":"u","exp":1800000000})");
  const auto within = make(t0 + 4);
  EXPECT_TRUE(authorize_upgrade("/ws?token=" + t, "", auth_mode::optional, &within));
  const auto past = make(t0 + 5);  // exp + leeway <= now
  const auto r = authorize_upgrade("/ws?token=" + t, "", auth_mode::optional, &past);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "expired");
  EXPECT_EQ(unauthorized_body(r.error()), R"({"error":"unauthorized","reason":"expired"})");
  EXPECT_EQ(www_authenticate(r.error()), R"(Bearer error="invalid_token")");
}

TEST(UpgradeAuth, ConflictingOrMalformedCredentialsAreRefused) {
  const auto v = make();
  const std::string a = token(R"({"sub":"a","exp":1800000100})");
  const std::string b = token(R"({"sub":"b","exp":1800000100})");
  EXPECT_EQ(
      authorize_upgrade("/ws?token=" + a, "Bearer " + b, auth_mode::optional, &v).error().reason,
      "ambiguous_token");
  EXPECT_EQ(authorize_upgrade("/ws", "Basic dTpw", auth_mode::optional, &v).error().reason,
            "malformed");
  EXPECT_EQ(authorize_upgrade("/ws?token=a.b.c", "", auth_mode::optional, &v).error().reason,
            "malformed");
}

}  // namespace
}  // namespace odin::gateway
