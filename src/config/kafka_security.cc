#include "config/kafka_security.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "config/config_error.h"

namespace odin::config {
namespace {

using sv = std::string_view;

struct reserved_property {
  sv name;
  sv use_instead;
};

// Properties a pass-through may not set: odin sets them from its own settings, or its
// behaviour depends on them (idempotence, manual assignment, offsets), or they are callbacks.
constexpr std::array<reserved_property, 28> reserved = {{
    {"bootstrap.servers", "KAFKA_BROKERS"},
    {"metadata.broker.list", "KAFKA_BROKERS"},
    {"client.id", "KAFKA_CLIENT_ID"},
    {"group.id", "KAFKA_GROUP_ID"},
    {"linger.ms", "KAFKA_LINGER_MS"},
    {"queue.buffering.max.ms", "KAFKA_LINGER_MS"},
    {"message.timeout.ms", "KAFKA_DELIVERY_TIMEOUT_MS"},
    {"delivery.timeout.ms", "KAFKA_DELIVERY_TIMEOUT_MS"},
    {"acks", "KAFKA_ACKS"},
    {"request.required.acks", "KAFKA_ACKS"},
    {"compression.codec", "KAFKA_COMPRESSION"},
    {"compression.type", "KAFKA_COMPRESSION"},
    {"fetch.wait.max.ms", "KAFKA_FETCH_WAIT_MAX_MS"},
    {"security.protocol", "KAFKA_SECURITY_PROTOCOL"},
    {"sasl.mechanism", "KAFKA_SASL_MECHANISM"},
    {"sasl.mechanisms", "KAFKA_SASL_MECHANISM"},
    {"sasl.username", "KAFKA_SASL_USERNAME"},
    {"sasl.password", "KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE"},
    {"ssl.ca.location", "KAFKA_TLS_CA_FILE"},
    {"ssl.certificate.location", "KAFKA_TLS_CERT_FILE"},
    {"ssl.key.location", "KAFKA_TLS_KEY_FILE"},
    {"enable.idempotence", "KAFKA_ACKS (all = idempotent)"},
    {"partitioner", "nothing: odin's murmur2 partitioning must match the memory bus"},
    {"enable.auto.commit", "nothing: odin commits offsets for observability only"},
    {"enable.auto.offset.store", "nothing: odin commits offsets for observability only"},
    {"auto.offset.reset", "KAFKA_LOOKBACK"},
    {"enable.partition.eof", "nothing: odin relies on it being off"},
    {"group.protocol.type", "nothing: odin assigns partitions itself"},
}};

const reserved_property* find_reserved(sv name) {
  for (const auto& r : reserved) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

bool is_callback(sv name) {
  return name.ends_with("_cb") || name == "opaque" || name == "interceptors" ||
         name == "default_topic_conf" || name == "ssl_engine_callback_data";
}

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw config_error(fmt::format("KAFKA_SASL_PASSWORD_FILE={}: cannot be read", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) throw config_error(fmt::format("KAFKA_SASL_PASSWORD_FILE={}: empty", path));
  return secret;
}

void require_readable(sv variable, const std::string& path) {
  if (path.empty()) return;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error(fmt::format("{}={}: cannot be read", variable, path));
}

std::string password_of(const kafka_security_settings& k) {
  if (!k.sasl_password.empty() && !k.sasl_password_file.empty()) {
    throw config_error(
        "KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set: keep one (the file "
        "keeps the password out of the environment and the process list)");
  }
  return k.sasl_password_file.empty() ? k.sasl_password : read_secret_file(k.sasl_password_file);
}

void check_sasl(const kafka_security_settings& k, const std::string& protocol,
                const std::string& password) {
  const bool sasl = protocol.starts_with("sasl_");
  const bool any_sasl = !k.sasl_mechanism.empty() || !k.sasl_username.empty() || !password.empty();
  if (!sasl && any_sasl) {
    throw config_error(
        fmt::format("KAFKA_SASL_* are set but KAFKA_SECURITY_PROTOCOL={}: SASL needs sasl_ssl (or "
                    "sasl_plaintext)",
                    protocol));
  }
  if (!sasl) return;
  if (k.sasl_mechanism.empty()) {
    throw config_error(fmt::format(
        "KAFKA_SECURITY_PROTOCOL={} needs KAFKA_SASL_MECHANISM (PLAIN, SCRAM-SHA-256 or "
        "SCRAM-SHA-512)",
        protocol));
  }
  if (k.sasl_username.empty()) {
    throw config_error(
        fmt::format("KAFKA_SASL_MECHANISM={} needs KAFKA_SASL_USERNAME", k.sasl_mechanism));
  }
  if (password.empty()) {
    throw config_error(
        fmt::format("KAFKA_SASL_MECHANISM={} needs KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE",
                    k.sasl_mechanism));
  }
}

void check_tls(const kafka_security_settings& k, const std::string& protocol) {
  const bool tls = protocol == "ssl" || protocol == "sasl_ssl";
  const bool any_file =
      !k.tls_ca_file.empty() || !k.tls_cert_file.empty() || !k.tls_key_file.empty();
  if (!tls && any_file) {
    throw config_error(fmt::format(
        "KAFKA_TLS_* files are set but KAFKA_SECURITY_PROTOCOL={}: TLS needs ssl or sasl_ssl",
        protocol));
  }
  if (k.tls_cert_file.empty() != k.tls_key_file.empty()) {
    throw config_error(
        "KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together (a client certificate and its "
        "private key)");
  }
  require_readable("KAFKA_TLS_CA_FILE", k.tls_ca_file);
  require_readable("KAFKA_TLS_CERT_FILE", k.tls_cert_file);
  require_readable("KAFKA_TLS_KEY_FILE", k.tls_key_file);
}

// Each property through librdkafka's own parser: unknown names and bad values stop start-up.
void check_with_librdkafka(const std::map<std::string, std::string>& props,
                           const kafka_security_settings& k) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::string failure;
  for (const auto& [name, value] : props) {
    std::array<char, 512> err{};
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err.data(), err.size()) ==
        RD_KAFKA_CONF_OK) {
      continue;
    }
    const auto it = k.properties.find(name);
    const auto* r = find_reserved(name);
    const std::string origin = it != k.properties.end() ? it->second.origin
                               : r != nullptr           ? std::string(r->use_instead)
                                                        : std::string("security settings");
    failure = is_secret_kafka_property(name)
                  ? fmt::format("{} ({}): librdkafka refused the value", name, origin)
                  : fmt::format("{} ({}): {}", name, origin, err.data());
    break;
  }
  rd_kafka_conf_destroy(conf);
  if (!failure.empty()) throw config_error("Kafka property " + failure);
}

}  // namespace

std::optional<std::string> kafka_property_name(sv variable) {
  if (!variable.starts_with(kafka_property_prefix)) return std::nullopt;
  const sv rest = variable.substr(kafka_property_prefix.size());
  if (rest.empty() || rest.front() == '_' || rest.back() == '_') return std::nullopt;
  std::string name;
  for (std::size_t i = 0; i < rest.size();) {
    const char c = rest[i];
    if (c == '_') {
      std::size_t run = 0;
      while (i + run < rest.size() && rest[i + run] == '_') ++run;
      if (run > 3) return std::nullopt;
      name.push_back(run == 1 ? '.' : run == 2 ? '_' : '-');
      i += run;
      continue;
    }
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!ok) return std::nullopt;
    name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    ++i;
  }
  return name;
}

bool is_secret_kafka_property(sv name) {
  return name.find("password") != sv::npos || name.find("secret") != sv::npos ||
         name == "ssl.key.pem" || name == "ssl_key" || name == "sasl.oauthbearer.config" ||
         name == "ssl.keystore.location";
}

std::map<std::string, std::string> kafka_security_properties(const kafka_security_settings& k,
                                                             std::vector<std::string>& warnings) {
  const std::string protocol = k.protocol.empty() ? "plaintext" : k.protocol;
  const std::string password = password_of(k);
  check_sasl(k, protocol, password);
  check_tls(k, protocol);
  std::map<std::string, std::string> props;
  if (!k.protocol.empty()) props["security.protocol"] = k.protocol;
  if (!k.sasl_mechanism.empty()) {
    props["sasl.mechanisms"] = k.sasl_mechanism;
    props["sasl.username"] = k.sasl_username;
    props["sasl.password"] = password;
  }
  if (!k.tls_ca_file.empty()) props["ssl.ca.location"] = k.tls_ca_file;
  if (!k.tls_cert_file.empty()) props["ssl.certificate.location"] = k.tls_cert_file;
  if (!k.tls_key_file.empty()) props["ssl.key.location"] = k.tls_key_file;
  if (protocol == "sasl_plaintext") {
    warnings.push_back(fmt::format(
        "KAFKA_SECURITY_PROTOCOL=sasl_plaintext: traffic to Kafka is not encrypted{}; use "
        "sasl_ssl outside a trusted network",
        k.sasl_mechanism == "PLAIN" ? " and PLAIN sends the password as it is" : ""));
  }
  for (const auto& [name, entry] : k.properties) {
    if (const auto* r = find_reserved(name)) {
      throw config_error(fmt::format("{}: {} cannot be passed through; set {}", entry.origin, name,
                                     r->use_instead));
    }
    if (is_callback(name)) {
      throw config_error(
          fmt::format("{}: {} is a librdkafka callback, not a setting", entry.origin, name));
    }
    props[name] = entry.value;
  }
  check_with_librdkafka(props, k);
  return props;
}

std::string describe_kafka_properties(const std::map<std::string, std::string>& extra) {
  std::string out;
  for (const auto& [name, value] : extra) {
    if (!out.empty()) out += ' ';
    out += name + "=" + (is_secret_kafka_property(name) ? "(redacted)" : value);
  }
  return out;
}

}  // namespace odin::config
