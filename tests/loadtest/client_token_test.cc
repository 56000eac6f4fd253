// Load-test access tokens (loadtest/client_token.h): what the loadtest mints verifies with the
// gateway's verifier, with the client's sub; the token lands on ?token= without disturbing the
// target.
#include "loadtest/client_token.h"

#include <gtest/gtest.h>

#include "auth/jwt_verifier.h"

namespace odin::loadtest {
namespace {

const std::string secret = "a-loadtest-secret-of-at-least-32-bytes!";

TEST(ClientToken, MintedTokensVerifyWithTheGatewaysVerifier) {
  auth::jwt_options o;
  o.hs256_secret = secret;
  const auth::jwt_verifier v(auth::load_jwt_keys(o), o);
  options lt;
  lt.jwt_secret = secret;
  const std::string target = target_for_client(lt, "/ws", 42);
  ASSERT_TRUE(target.starts_with("/ws?token=")) << target;
  const auto r = v.verify(target.substr(10));
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_EQ(r.value().sub, "user-42");
  EXPECT_GT(r.value().exp, 0);
  // Another secret: the gateway refuses it.
  EXPECT_FALSE(v.verify(mint_hs256("another-secret-of-at-least-32-bytes!!!", "u", 4102444800)));
}

TEST(ClientToken, FixedTokenOrNoneAndExistingQuery) {
  options lt;
  EXPECT_EQ(target_for_client(lt, "/ws", 1), "/ws");
  lt.token = "a.b.c";
  EXPECT_EQ(target_for_client(lt, "/ws?x=1", 1), "/ws?x=1&token=a.b.c");
  EXPECT_EQ(target_for_client(lt, "/", 7), "/?token=a.b.c");
}

}  // namespace
}  // namespace odin::loadtest
