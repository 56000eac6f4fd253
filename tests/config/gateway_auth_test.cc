// Client identity settings (config/gateway_auth.h): WS_AUTH defaults and refusals, the secret
// file, redaction, WS_JWT_LEEWAY, WS_PUBLIC_BALANCES, through the loader.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>

#include "config/loader.h"

namespace odin::config {
namespace {

using vars = std::map<std::string, std::string>;
const std::string secret = "a-gateway-secret-of-at-least-32-bytes!!";

class GatewayAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("odin_gateway_auth_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  settings load(const vars& env) const {
    CLI::App app("test");
    loader cfg(app, loader::gateway_group | loader::log_group);
    app.parse(std::vector<std::string>{});
    return cfg.finish(&env, (dir_ / "none.env").string());
  }
  std::string error(const vars& env) const {
    try {
      load(env);
    } catch (const config_error& e) {
      return e.what();
    }
    return "no error";
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(GatewayAuth, NoKeyMeansOffAndPrivateBalances) {
  const settings s = load({});
  EXPECT_EQ(s.gateway.auth.mode, gateway::auth_mode::off);
  EXPECT_FALSE(s.gateway.auth.public_balances);
  EXPECT_EQ(s.gateway.auth.jwt.leeway, std::chrono::seconds(30));
}

TEST_F(GatewayAuth, AKeyMakesItOptionalAndRequiredIsExplicit) {
  EXPECT_EQ(load({{"WS_JWT_SECRET", secret}}).gateway.auth.mode, gateway::auth_mode::optional);
  const settings s = load({{"WS_JWT_SECRET", secret},
                           {"WS_AUTH", "required"},
                           {"WS_JWT_ISSUER", "https://login.example"},
                           {"WS_JWT_AUDIENCE", "odin"},
                           {"WS_JWT_LEEWAY", "5s"},
                           {"WS_PUBLIC_BALANCES", "true"}});
  EXPECT_EQ(s.gateway.auth.mode, gateway::auth_mode::required);
  EXPECT_EQ(s.gateway.auth.jwt.hs256_secret, secret);
  EXPECT_EQ(s.gateway.auth.jwt.issuer, "https://login.example");
  EXPECT_EQ(s.gateway.auth.jwt.audience, "odin");
  EXPECT_EQ(s.gateway.auth.jwt.leeway, std::chrono::seconds(5));
  EXPECT_TRUE(s.gateway.auth.public_balances);
}

TEST_F(GatewayAuth, SecretFromAFile) {
  const settings s = load({{"WS_JWT_SECRET_FILE", write("secret", secret + "\n")}});
  EXPECT_EQ(s.gateway.auth.jwt.hs256_secret, secret);
  EXPECT_NE(error({{"WS_JWT_SECRET_FILE", write("s", secret)}, {"WS_JWT_SECRET", secret}})
                .find("both set"),
            std::string::npos);
  EXPECT_NE(error({{"WS_JWT_SECRET_FILE", (dir_ / "missing").string()}}).find("cannot be read"),
            std::string::npos);
}

TEST_F(GatewayAuth, RefusalsNameTheProblemNeverTheSecret) {
  EXPECT_NE(error({{"WS_AUTH", "required"}}).find("needs a key"), std::string::npos);
  EXPECT_NE(error({{"WS_AUTH", "optional"}}).find("needs a key"), std::string::npos);
  const std::string bad = error({{"WS_AUTH", "maybe"}});
  EXPECT_NE(bad.find("WS_AUTH"), std::string::npos) << bad;
  const std::string short_secret = "too-short-secret";
  const std::string e = error({{"WS_JWT_SECRET", short_secret}});
  EXPECT_NE(e.find("32"), std::string::npos) << e;
  EXPECT_EQ(e.find(short_secret), std::string::npos) << e;
  EXPECT_NE(error({{"WS_JWT_PUBLIC_KEY_FILE", write("k.pem", "not a key")}}).find("k.pem"),
            std::string::npos);
}

TEST_F(GatewayAuth, OffWithAKeyIsWarned) {
  const settings s = load({{"WS_JWT_SECRET", secret}, {"WS_AUTH", "off"}});
  EXPECT_EQ(s.gateway.auth.mode, gateway::auth_mode::off);
  ASSERT_FALSE(s.warnings.empty());
  EXPECT_NE(s.warnings.back().find("WS_AUTH=off"), std::string::npos);
}

TEST_F(GatewayAuth, TheSecretIsRedactedInHelp) {
  CLI::App app("test");
  loader cfg(app, loader::gateway_group);
  const vars env = {{"WS_JWT_SECRET", secret}};
  const settings s = cfg.finish(&env, (dir_ / "none.env").string());
  EXPECT_EQ(app.help().find(secret), std::string::npos);
  EXPECT_NE(app.help().find("WS_JWT_SECRET"), std::string::npos);
}

}  // namespace
}  // namespace odin::config
