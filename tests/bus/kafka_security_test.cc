// Kafka security settings reach librdkafka: settings are loaded the way `odin gateway`,
// `odin publisher` and `odin topics` load them (config::loader, Kafka group), then a real
// kafka_consumer, kafka_producer and kafka_admin are created and their librdkafka
// configuration is read back (rd_kafka_conf_get on the created client).
//
// Why not a SASL handshake against librdkafka's mock cluster: the mock (2.0.2, and still in
// later releases) implements no SaslHandshake/SaslAuthenticate handler, so a SASL client can
// only fail against it. Reading the created clients' configuration is the proof available.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>

#include "admin/kafka_admin.h"
#include "bus/kafka_common.h"
#include "bus/kafka_consumer.h"
#include "bus/kafka_producer.h"
#include "config/loader.h"

namespace odin {
namespace {

const std::string password = "scram-password-for-the-test";

// A self-signed P-256 certificate and its key, written as PEM files (CA, client cert, key).
void write_self_signed(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("odin-test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* c = std::fopen(cert_path.c_str(), "w");
  FILE* k = std::fopen(key_path.c_str(), "w");
  ASSERT_TRUE(c && k);
  PEM_write_X509(c, cert);
  PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(c);
  std::fclose(k);
  X509_free(cert);
  EVP_PKEY_free(key);
}

class KafkaSecuritySettings : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("odin_kafka_security_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    cert_ = (dir_ / "client.pem").string();
    key_ = (dir_ / "client.key").string();
    write_self_signed(cert_, key_);
    password_file_ = (dir_ / "password").string();
    std::ofstream(password_file_) << password << "\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // What `odin gateway` / `odin publisher` / `odin topics` do with this environment.
  config::settings load(const std::map<std::string, std::string>& env) const {
    CLI::App app("test");
    config::loader cfg(app, config::loader::kafka_group | config::loader::log_group);
    app.parse(std::vector<std::string>{});
    return cfg.finish(&env, (dir_ / ".env").string());
  }

  std::map<std::string, std::string> sasl_ssl_env() const {
    return {{"KAFKA_BROKERS", "127.0.0.1:1"},  // nothing listens: no connection is needed
            {"KAFKA_SECURITY_PROTOCOL", "sasl_ssl"},
            {"KAFKA_SASL_MECHANISM", "SCRAM-SHA-256"},
            {"KAFKA_SASL_USERNAME", "odin-gateway"},
            {"KAFKA_SASL_PASSWORD_FILE", password_file_},
            {"KAFKA_TLS_CA_FILE", cert_},
            {"KAFKA_TLS_CERT_FILE", cert_},
            {"KAFKA_TLS_KEY_FILE", key_},
            {"KAFKA_PROPERTY_SOCKET_KEEPALIVE_ENABLE", "true"},
            {"KAFKA_PROPERTY_RECONNECT_BACKOFF_MAX_MS", "1234"}};
  }

  void expect_security(RdKafka::Handle& client, const char* which) const {
    const std::map<std::string, std::string> expected = {
        {"security.protocol", "sasl_ssl"},
        {"sasl.mechanisms", "SCRAM-SHA-256"},
        {"sasl.username", "odin-gateway"},
        {"sasl.password", password},
        {"ssl.ca.location", cert_},
        {"ssl.certificate.location", cert_},
        {"ssl.key.location", key_},
        {"socket.keepalive.enable", "true"},
        {"reconnect.backoff.max.ms", "1234"},
        // odin's own properties are still there
        {"bootstrap.servers", "127.0.0.1:1"},
        {"client.id", "odin"},
    };
    for (const auto& [name, value] : expected) {
      EXPECT_EQ(bus::kafka_client_property(client, name), value) << which << " " << name;
    }
  }

  std::filesystem::path dir_;
  std::string cert_, key_, password_file_;
};

TEST_F(KafkaSecuritySettings, ReachTheConsumerProducerAndAdminClients) {
  const config::settings s = load(sasl_ssl_env());
  bus::kafka_options o = s.kafka;
  o.shutdown_timeout = std::chrono::milliseconds(100);
  {
    bus::kafka_producer producer(o);  // odin publisher
    expect_security(producer.client(), "producer");
  }
  {
    bus::kafka_consumer consumer(o);  // odin gateway
    expect_security(consumer.client(), "consumer");
  }
  admin::kafka_admin admin(o, std::chrono::milliseconds(500));  // odin topics
  expect_security(admin.client(), "admin");
}

TEST_F(KafkaSecuritySettings, DefaultsLeaveLibrdkafkaDefaults) {
  const config::settings s = load({{"KAFKA_BROKERS", "127.0.0.1:1"}});
  EXPECT_TRUE(s.kafka.extra.empty());
  admin::kafka_admin admin(s.kafka, std::chrono::milliseconds(500));
  EXPECT_EQ(bus::kafka_client_property(admin.client(), "security.protocol"), "plaintext");
  EXPECT_EQ(bus::kafka_client_property(admin.client(), "no.such.property"), std::nullopt);
}

TEST_F(KafkaSecuritySettings, ABadKeyFileStopsClientCreation) {
  // The loader checks the file can be read; librdkafka checks it is a key for the cert.
  const std::string bad_key = (dir_ / "bad.key").string();
  std::ofstream(bad_key) << "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  auto env = sasl_ssl_env();
  env["KAFKA_TLS_KEY_FILE"] = bad_key;
  const config::settings s = load(env);
  EXPECT_THROW(admin::kafka_admin(s.kafka, std::chrono::milliseconds(500)), std::invalid_argument);
}

}  // namespace
}  // namespace odin
