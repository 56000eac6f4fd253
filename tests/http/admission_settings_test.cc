// The admission and admin-listener settings through the loader: environment and flags reach
// gateway::options / publisher::options; bad values are configuration errors naming the
// variable.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "config/loader.h"

namespace odin::config {
namespace {

using vars = std::map<std::string, std::string>;

settings load(std::vector<std::string> args, const vars& env) {
  CLI::App app("test");
  loader cfg(app, loader::all_groups, "json");
  std::reverse(args.begin(), args.end());
  app.parse(args);
  return cfg.finish(&env, "/nonexistent/odin-admission-settings-test/.env");
}

TEST(AdmissionSettings, DefaultsAreOffAndAnyOrigin) {
  const settings s = load({}, {});
  EXPECT_TRUE(s.gateway.allowed_origins.empty());
  EXPECT_EQ(s.gateway.max_connections_per_ip, 0u);
  EXPECT_EQ(s.gateway.upgrade_rate_per_ip, 0.0);
  EXPECT_TRUE(s.gateway.admin_host.empty());
  EXPECT_TRUE(s.publisher.admin_host.empty());
}

TEST(AdmissionSettings, EnvironmentAndFlagsReachTheOptions) {
  const settings s = load({"--upgrade-burst-per-ip", "7", "--publisher-admin-addr", ":9101"},
                          {{"WS_ALLOWED_ORIGINS", "https://a.example, http://b.example:8080"},
                           {"WS_MAX_CONNECTIONS_PER_IP", "50"},
                           {"WS_UPGRADE_RATE_PER_IP", "2.5"},
                           {"WS_ADMIN_ADDR", "127.0.0.1:9100"}});
  EXPECT_EQ(s.gateway.allowed_origins,
            (std::vector<std::string>{"https://a.example", "http://b.example:8080"}));
  EXPECT_EQ(s.gateway.max_connections_per_ip, 50u);
  EXPECT_EQ(s.gateway.upgrade_rate_per_ip, 2.5);
  EXPECT_EQ(s.gateway.upgrade_burst_per_ip, 7.0);
  EXPECT_EQ(s.gateway.admin_host, "127.0.0.1");
  EXPECT_EQ(s.gateway.admin_port, 9100);
  EXPECT_EQ(s.publisher.admin_host, "0.0.0.0");
  EXPECT_EQ(s.publisher.admin_port, 9101);
  EXPECT_TRUE(load({}, {{"WS_ALLOWED_ORIGINS", "*"}}).gateway.allowed_origins.empty());
}

TEST(AdmissionSettings, BadValuesAreConfigErrorsNamingTheVariable) {
  for (const auto& [env, value] : std::vector<std::pair<std::string, std::string>>{
           {"WS_ALLOWED_ORIGINS", "https://a.example/path"},
           {"WS_MAX_CONNECTIONS_PER_IP", "-1"},
           {"WS_UPGRADE_RATE_PER_IP", "fast"},
           {"WS_ADMIN_ADDR", "nowhere"}}) {
    try {
      load({}, {{env, value}});
      ADD_FAILURE() << env << "=" << value << " was accepted";
    } catch (const config_error& e) {
      EXPECT_NE(std::string(e.what()).find(env), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace odin::config
