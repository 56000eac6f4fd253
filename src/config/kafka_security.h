#pragma once
// Kafka security settings (SASL, TLS) and the KAFKA_PROPERTY_<NAME> pass-through, turned into
// the librdkafka properties of bus::kafka_options::extra, which the producer (publisher), the
// consumer (gateway) and the admin client (`odin topics`) apply last.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace odin::config {

struct kafka_property_value {
  std::string value;
  std::string
      origin;  // for errors: "KAFKA_PROPERTY_X from the environment", "flag --kafka-property"
};

struct kafka_security_settings {
  std::string protocol;        // KAFKA_SECURITY_PROTOCOL: plaintext, ssl, sasl_plaintext, sasl_ssl
  std::string sasl_mechanism;  // KAFKA_SASL_MECHANISM: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
  std::string sasl_username;   // KAFKA_SASL_USERNAME
  std::string sasl_password;   // KAFKA_SASL_PASSWORD (secret)
  std::string sasl_password_file;                          // KAFKA_SASL_PASSWORD_FILE
  std::string tls_ca_file;                                 // KAFKA_TLS_CA_FILE
  std::string tls_cert_file;                               // KAFKA_TLS_CERT_FILE
  std::string tls_key_file;                                // KAFKA_TLS_KEY_FILE
  std::map<std::string, kafka_property_value> properties;  // librdkafka name -> value
};

inline constexpr std::string_view kafka_property_prefix = "KAFKA_PROPERTY_";

// KAFKA_PROPERTY_SOCKET_KEEPALIVE_ENABLE -> "socket.keepalive.enable": the part after the
// prefix, lower-cased, with "___" -> "-", "__" -> "_", "_" -> "." (Confluent's convention).
// nullopt when `variable` lacks the prefix or the name is empty or not [A-Za-z0-9_].
std::optional<std::string> kafka_property_name(std::string_view variable);

// Properties whose values are secrets (passwords, private keys): never logged.
bool is_secret_kafka_property(std::string_view name);

// Validates the combination and returns the librdkafka properties for kafka_options::extra.
// Reads KAFKA_SASL_PASSWORD_FILE and checks the TLS files can be read. Every property is
// checked with librdkafka itself (unknown names, bad values). Throws config_error naming the
// variable, never a secret value. Appends warnings (e.g. SASL without TLS).
std::map<std::string, std::string> kafka_security_properties(const kafka_security_settings& k,
                                                             std::vector<std::string>& warnings);

// "security.protocol=sasl_ssl sasl.mechanisms=SCRAM-SHA-512 sasl.password=(redacted) ..."
std::string describe_kafka_properties(const std::map<std::string, std::string>& extra);

}  // namespace odin::config
