#include "config/kafka_security.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>

#include "config/loader.h"

namespace odin::config {
namespace {

using vars = std::map<std::string, std::string>;
const std::string password = "hunter2-very-secret-pw";

class KafkaSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("odin_kafka_security_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string file(const std::string& name, const std::string& text) const {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  settings load(std::vector<std::string> args, const vars& env = {},
                unsigned groups = loader::kafka_group | loader::log_group) const {
    CLI::App app("test");
    loader cfg(app, groups);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    return cfg.finish(&env, (dir_ / ".env").string());
  }

  std::string error(std::vector<std::string> args, const vars& env = {}) const {
    try {
      load(std::move(args), env);
    } catch (const config_error& e) {
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
};

TEST(KafkaPropertyName, MapsVariableNamesToLibrdkafkaNames) {
  EXPECT_EQ(kafka_property_name("KAFKA_PROPERTY_SOCKET_KEEPALIVE_ENABLE"),
            "socket.keepalive.enable");
  EXPECT_EQ(kafka_property_name("KAFKA_PROPERTY_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM"),
            "ssl.endpoint.identification.algorithm");
  EXPECT_EQ(kafka_property_name("KAFKA_PROPERTY_DEBUG"), "debug");
  EXPECT_EQ(kafka_property_name("KAFKA_PROPERTY_DR__CB"), "dr_cb");
  EXPECT_EQ(kafka_property_name("KAFKA_PROPERTY_A___B_C2"), "a-b.c2");
  for (const char* bad :
       {"KAFKA_PROPERTY_", "KAFKA_PROPERTY__X", "KAFKA_PROPERTY_X_", "KAFKA_PROPERTY_A____B",
        "KAFKA_PROPERTY_A-B", "KAFKA_PROPERTY_A.B", "KAFKA_BROKERS", "PROPERTY_X"}) {
    EXPECT_FALSE(kafka_property_name(bad).has_value()) << bad;
  }
}

TEST_F(KafkaSecurity, NothingConfiguredLeavesExtraEmpty) {
  EXPECT_TRUE(load({}).kafka.extra.empty());
}

TEST_F(KafkaSecurity, SaslSslScramWithFilesAndPassThrough) {
  const auto ca = file("ca.pem", "not parsed here, only read\n");
  const auto pw = file("password", password + "\n");
  const settings s = load({"--kafka-property", "debug=broker,security"},
                          {{"KAFKA_SECURITY_PROTOCOL", "SASL_SSL"},
                           {"KAFKA_SASL_MECHANISM", "scram-sha-512"},
                           {"KAFKA_SASL_USERNAME", "odin"},
                           {"KAFKA_SASL_PASSWORD_FILE", pw},
                           {"KAFKA_TLS_CA_FILE", ca},
                           {"KAFKA_PROPERTY_SOCKET_KEEPALIVE_ENABLE", "true"}});
  const std::map<std::string, std::string> expected = {
      {"security.protocol", "sasl_ssl"},
      {"sasl.mechanisms", "SCRAM-SHA-512"},
      {"sasl.username", "odin"},
      {"sasl.password", password},  // the file's content, without its newline
      {"ssl.ca.location", ca},
      {"socket.keepalive.enable", "true"},
      {"debug", "broker,security"},
  };
  EXPECT_EQ(s.kafka.extra, expected);
  EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
}

TEST_F(KafkaSecurity, PassThroughPrecedenceDotenvEnvironmentFlag) {
  std::ofstream((dir_ / ".env").string())
      << "KAFKA_PROPERTY_SOCKET_TIMEOUT_MS=1000\nKAFKA_PROPERTY_RECONNECT_BACKOFF_MS=7\n";
  const settings s = load({"--kafka-property", "socket.timeout.ms=3000"},
                          {{"KAFKA_PROPERTY_SOCKET_TIMEOUT_MS", "2000"},
                           {"KAFKA_PROPERTY_RECONNECT_BACKOFF_MAX_MS", "9000"}});
  EXPECT_EQ(s.kafka.extra.at("socket.timeout.ms"), "3000");
  EXPECT_EQ(s.kafka.extra.at("reconnect.backoff.ms"), "7");
  EXPECT_EQ(s.kafka.extra.at("reconnect.backoff.max.ms"), "9000");
}

TEST_F(KafkaSecurity, PassThroughIsNotWarnedAboutAsATypo) {
  const settings s = load({}, {{"KAFKA_PROPERTY_SOCKET_KEEPALIVE_ENABLE", "true"}});
  for (const auto& w : s.warnings) EXPECT_EQ(w.find("KAFKA_PROPERTY"), std::string::npos) << w;
}

TEST_F(KafkaSecurity, CombinationsAreCheckedAtStartup) {
  const auto ca = file("ca.pem", "x");
  const auto pw = file("password", password);
  const vars sasl = {{"KAFKA_SECURITY_PROTOCOL", "sasl_ssl"},
                     {"KAFKA_SASL_MECHANISM", "PLAIN"},
                     {"KAFKA_SASL_USERNAME", "odin"},
                     {"KAFKA_SASL_PASSWORD", password}};
  EXPECT_EQ(error({}, sasl), "no error");
  const auto without = [&](const std::string& name) {
    vars v = sasl;
    v.erase(name);
    return error({}, v);
  };
  const auto with = [&](const vars& more) {
    vars v = sasl;
    for (const auto& [k, val] : more) v[k] = val;
    return error({}, v);
  };
  EXPECT_NE(without("KAFKA_SASL_USERNAME").find("needs KAFKA_SASL_USERNAME"), std::string::npos);
  EXPECT_NE(without("KAFKA_SASL_PASSWORD").find("needs KAFKA_SASL_PASSWORD"), std::string::npos);
  EXPECT_NE(without("KAFKA_SASL_MECHANISM").find("needs KAFKA_SASL_MECHANISM"), std::string::npos);
  EXPECT_NE(without("KAFKA_SECURITY_PROTOCOL").find("SASL needs sasl_ssl"), std::string::npos);
  EXPECT_NE(with({{"KAFKA_SECURITY_PROTOCOL", "ssl"}}).find("KAFKA_SECURITY_PROTOCOL=ssl"),
            std::string::npos);
  EXPECT_NE(with({{"KAFKA_SASL_PASSWORD_FILE", pw}}).find("both set"), std::string::npos);
  EXPECT_NE(with({{"KAFKA_SASL_PASSWORD_FILE", pw + ".missing"}}).find("both set"),
            std::string::npos);
  EXPECT_NE(with({{"KAFKA_SECURITY_PROTOCOL", "sasl_plaintext"}, {"KAFKA_TLS_CA_FILE", ca}})
                .find("TLS needs ssl or sasl_ssl"),
            std::string::npos);
  EXPECT_NE(with({{"KAFKA_TLS_CERT_FILE", ca}}).find("go together"), std::string::npos);
  EXPECT_NE(with({{"KAFKA_TLS_CA_FILE", ca + ".missing"}}).find("KAFKA_TLS_CA_FILE="),
            std::string::npos);
  EXPECT_NE(with({{"KAFKA_SASL_MECHANISM", "GSSAPI"}}).find("expected one of PLAIN"),
            std::string::npos);
  EXPECT_NE(with({{"KAFKA_SECURITY_PROTOCOL", "tls"}}).find("expected one of plaintext"),
            std::string::npos);
}

TEST_F(KafkaSecurity, PasswordFileMustBeReadableAndNotEmpty) {
  const vars base = {{"KAFKA_SECURITY_PROTOCOL", "sasl_ssl"},
                     {"KAFKA_SASL_MECHANISM", "SCRAM-SHA-256"},
                     {"KAFKA_SASL_USERNAME", "odin"}};
  vars v = base;
  v["KAFKA_SASL_PASSWORD_FILE"] = (dir_ / "nope").string();
  EXPECT_NE(error({}, v).find("KAFKA_SASL_PASSWORD_FILE=" + v["KAFKA_SASL_PASSWORD_FILE"] +
                              ": cannot be read"),
            std::string::npos);
  v["KAFKA_SASL_PASSWORD_FILE"] = file("empty", "\n");
  EXPECT_NE(error({}, v).find("empty"), std::string::npos);
}

TEST_F(KafkaSecurity, PassThroughRefusesReservedUnknownAndBadValues) {
  EXPECT_NE(error({}, {{"KAFKA_PROPERTY_BOOTSTRAP_SERVERS", "h:1"}}).find("set KAFKA_BROKERS"),
            std::string::npos);
  EXPECT_NE(error({"--kafka-property", "sasl.password=x"}).find("KAFKA_SASL_PASSWORD"),
            std::string::npos);
  EXPECT_NE(error({}, {{"KAFKA_PROPERTY_ENABLE_IDEMPOTENCE", "false"}}).find("KAFKA_ACKS"),
            std::string::npos);
  EXPECT_NE(error({}, {{"KAFKA_PROPERTY_DR__CB", "x"}}).find("callback"), std::string::npos);
  const std::string unknown = error({}, {{"KAFKA_PROPERTY_NO_SUCH_THING", "1"}});
  EXPECT_NE(unknown.find("no.such.thing (KAFKA_PROPERTY_NO_SUCH_THING from the environment)"),
            std::string::npos)
      << unknown;
  EXPECT_NE(unknown.find("No such configuration property"), std::string::npos) << unknown;
  const std::string bad = error({}, {{"KAFKA_PROPERTY_SOCKET_KEEPALIVE_ENABLE", "maybe"}});
  EXPECT_NE(bad.find("Expected bool value"), std::string::npos) << bad;
  EXPECT_NE(error({"--kafka-property", "novalue"}).find("expected NAME=VALUE"), std::string::npos);
  EXPECT_NE(error({}, {{"KAFKA_PROPERTY_A-B", "1"}}).find("not a property name"),
            std::string::npos);
}

TEST_F(KafkaSecurity, SecretsAreNeverShown) {
  // An error about the combination does not echo the password.
  const std::string e = error({}, {{"KAFKA_SASL_PASSWORD", password}});
  EXPECT_NE(e, "no error");
  EXPECT_EQ(e.find(password), std::string::npos) << e;
  // describe (the start-up log line) redacts, and the table shows no secret.
  const std::string described = describe_kafka_properties(
      {{"sasl.password", password}, {"ssl.key.password", password}, {"sasl.username", "odin"}});
  EXPECT_EQ(described.find(password), std::string::npos) << described;
  EXPECT_NE(described.find("sasl.password=(redacted)"), std::string::npos) << described;
  EXPECT_NE(described.find("sasl.username=odin"), std::string::npos) << described;
  settings s;
  s.kafka_security.sasl_password = password;
  for (const auto& row : setting_rows()) {
    EXPECT_EQ(row.show(s).find(password), std::string::npos) << row.env;
  }
  EXPECT_TRUE(is_secret_setting("KAFKA_SASL_PASSWORD"));
  // --help lists the settings without any secret value.
  CLI::App app("test");
  loader cfg(app, loader::kafka_group);
  const std::string help = app.help();
  EXPECT_NE(help.find("--kafka-sasl-password SECRET"), std::string::npos) << help;
  EXPECT_NE(help.find("--kafka-property NAME=VALUE"), std::string::npos) << help;
}

TEST_F(KafkaSecurity, SaslWithoutTlsIsWarnedAbout) {
  const settings s = load({}, {{"KAFKA_SECURITY_PROTOCOL", "sasl_plaintext"},
                               {"KAFKA_SASL_MECHANISM", "PLAIN"},
                               {"KAFKA_SASL_USERNAME", "odin"},
                               {"KAFKA_SASL_PASSWORD", password}});
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("not encrypted and PLAIN sends the password"), std::string::npos)
      << s.warnings[0];
  EXPECT_EQ(s.warnings[0].find(password), std::string::npos);
}

TEST_F(KafkaSecurity, OnlyReadWhenTheKafkaGroupIsRegistered) {
  const settings s =
      load({}, {{"KAFKA_PROPERTY_NO_SUCH_THING", "1"}, {"KAFKA_SASL_PASSWORD", password}},
           loader::log_group);
  EXPECT_TRUE(s.kafka.extra.empty());
}

}  // namespace
}  // namespace odin::config
