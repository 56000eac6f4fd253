// Who may publish and where the publisher listens (config/publisher_access.h): the decision
// function, and PUBLISHER_API_KEYS(_FILE) / PUBLISHER_ALLOW_ANONYMOUS through the loader.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>

#include "config/loader.h"
#include "config/publisher_access.h"

namespace odin::config {
namespace {

using vars = std::map<std::string, std::string>;

TEST(PublisherBind, NoKeyDefaultsToLoopback) {
  const publisher_bind b = decide_publisher_bind("", false, false);
  EXPECT_EQ(b.host, "127.0.0.1");
  EXPECT_TRUE(b.error.empty());
}

TEST(PublisherBind, NoKeyAndExplicitNonLoopbackIsRefused) {
  for (const char* host : {"0.0.0.0", "::", "10.1.2.3", "example.com"}) {
    SCOPED_TRACE(host);
    const publisher_bind b = decide_publisher_bind(host, false, false);
    EXPECT_TRUE(b.host.empty());
    EXPECT_NE(b.error.find("PUBLISHER_ALLOW_ANONYMOUS"), std::string::npos) << b.error;
    EXPECT_NE(b.error.find(host), std::string::npos) << b.error;
  }
}

TEST(PublisherBind, NoKeyAndExplicitLoopbackIsFine) {
  for (const char* host : {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
    SCOPED_TRACE(host);
    const publisher_bind b = decide_publisher_bind(host, false, false);
    EXPECT_EQ(b.host, host);
    EXPECT_TRUE(b.error.empty());
  }
}

TEST(PublisherBind, KeysOrAllowAnonymousOpenEveryInterface) {
  EXPECT_EQ(decide_publisher_bind("", true, false).host, "0.0.0.0");
  EXPECT_EQ(decide_publisher_bind("", false, true).host, "0.0.0.0");
  EXPECT_EQ(decide_publisher_bind("10.1.2.3", true, false).host, "10.1.2.3");
  EXPECT_EQ(decide_publisher_bind("10.1.2.3", false, true).host, "10.1.2.3");
  EXPECT_TRUE(decide_publisher_bind("0.0.0.0", true, false).error.empty());
}

class PublisherAccess : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("odin_publisher_access_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  settings load(std::vector<std::string> args, const vars& env) const {
    CLI::App app("test");
    loader cfg(app, loader::publisher_group | loader::log_group);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    return cfg.finish(&env, (dir_ / "none.env").string());
  }
  std::string error(const vars& env) const {
    try {
      load({}, env);
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

TEST_F(PublisherAccess, KeyFileWithCommentsAndListAreBothAccepted) {
  const std::string file = write("keys", "# publishers\n\n  file-key-0123456789  \n# old\n");
  const settings s = load({}, {{"PUBLISHER_API_KEYS", "list-key-0123456789,list-key-abcdefghij"},
                               {"PUBLISHER_API_KEYS_FILE", file}});
  EXPECT_EQ(s.publisher.api_keys.size(), 3u);
  EXPECT_TRUE(s.publisher.api_keys.accepts("file-key-0123456789"));
  EXPECT_TRUE(s.publisher.api_keys.accepts("list-key-abcdefghij"));
  EXPECT_FALSE(s.publisher.api_keys.accepts("# publishers"));
  EXPECT_EQ(s.publisher.host, "0.0.0.0");  // keys: every interface by default
}

TEST_F(PublisherAccess, NoKeyBindsLoopback) {
  const settings s = load({}, {});
  EXPECT_EQ(s.publisher.host, "127.0.0.1");
  EXPECT_TRUE(s.publisher.api_keys.empty());
  EXPECT_FALSE(s.publisher.allow_anonymous);
}

TEST_F(PublisherAccess, AllowAnonymousMustBeExplicit) {
  const settings s = load({"--allow-anonymous", "true"}, {});
  EXPECT_EQ(s.publisher.host, "0.0.0.0");
  EXPECT_TRUE(s.publisher.allow_anonymous);
  EXPECT_NE(error({{"PUBLISHER_ALLOW_ANONYMOUS", "yes"}}).find("PUBLISHER_ALLOW_ANONYMOUS"),
            std::string::npos);
}

TEST_F(PublisherAccess, ExplicitPublicHostWithoutKeyIsAConfigError) {
  const std::string e = error({{"PUBLISHER_HOST", "0.0.0.0"}});
  EXPECT_NE(e.find("refusing"), std::string::npos) << e;
  EXPECT_EQ(load({}, {{"PUBLISHER_HOST", "0.0.0.0"}, {"PUBLISHER_ALLOW_ANONYMOUS", "true"}})
                .publisher.host,
            "0.0.0.0");
}

TEST_F(PublisherAccess, BadKeysAreRefusedWithoutQuotingThem) {
  const std::string shortkey = "tiny-secret";
  const std::string e = error({{"PUBLISHER_API_KEYS", shortkey}});
  EXPECT_NE(e.find("PUBLISHER_API_KEYS"), std::string::npos) << e;
  EXPECT_EQ(e.find(shortkey), std::string::npos) << e;
  const std::string missing = error({{"PUBLISHER_API_KEYS_FILE", (dir_ / "absent").string()}});
  EXPECT_NE(missing.find("cannot be read"), std::string::npos) << missing;
}

TEST_F(PublisherAccess, HelpRedactsTheKeys) {
  CLI::App app("test");
  loader cfg(app, loader::publisher_group);
  const std::string help = app.help();
  EXPECT_NE(help.find("--api-keys"), std::string::npos);
  EXPECT_NE(help.find("PUBLISHER_ALLOW_ANONYMOUS"), std::string::npos);
  EXPECT_TRUE(is_secret_setting("PUBLISHER_API_KEYS"));
}

}  // namespace
}  // namespace odin::config
