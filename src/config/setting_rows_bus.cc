#include "config/setting_rows.h"

#include <array>

#include "config/value_parsers.h"

namespace odin::config {
namespace {

using namespace std::chrono_literals;
using namespace setting_text;
using sv = std::string_view;
using model::kind;

template <kind K>
void apply_topic(settings& s, sv v) {
  s.kafka.topics.set(K, parse_topic_name(v));
}
template <kind K>
std::string show_topic(const settings& s) {
  return s.kafka.topics.topic_of(K);
}
template <kind K>
constexpr setting_row topic_row(sv env, sv flag, sv help) {
  return {env, flag, kafka_bit, "TOPIC", help, &apply_topic<K>, &show_topic<K>};
}

const std::array rows = {
    // Kafka
    setting_row{"KAFKA_BROKERS", "--brokers", kafka_bit, "LIST",
                "bootstrap brokers, host:port[,host:port...]",
                [](settings& s, sv v) { s.kafka.brokers = parse_broker_list(v); },
                [](const settings& s) { return s.kafka.brokers; }},
    setting_row{"KAFKA_GROUP_ID", "--group-id", kafka_bit, "NAME",
                "consumer group id prefix; each gateway appends KAFKA_INSTANCE_ID (default: the "
                "hostname)",
                [](settings& s, sv v) { s.kafka.group_id = parse_name(v); },
                [](const settings& s) { return s.kafka.group_id; }},
    setting_row{"KAFKA_CLIENT_ID", "--client-id", kafka_bit, "NAME",
                "client.id reported to the brokers",
                [](settings& s, sv v) { s.kafka.client_id = parse_name(v); },
                [](const settings& s) { return s.kafka.client_id; }},
    topic_row<kind::trade>("KAFKA_TOPIC_TRADES", "--topic-trades", "topic of trade events"),
    topic_row<kind::liquidity>("KAFKA_TOPIC_LIQUIDITY", "--topic-liquidity",
                               "topic of liquidity events"),
    topic_row<kind::metadata>("KAFKA_TOPIC_METADATA", "--topic-metadata",
                              "topic of metadata events"),
    topic_row<kind::social>("KAFKA_TOPIC_SOCIAL", "--topic-social", "topic of social events"),
    topic_row<kind::community>("KAFKA_TOPIC_COMMUNITY", "--topic-community",
                               "topic of community events"),
    topic_row<kind::creation>("KAFKA_TOPIC_CREATION", "--topic-creation",
                              "topic of creation events"),
    topic_row<kind::analytics>("KAFKA_TOPIC_ANALYTICS", "--topic-analytics",
                               "topic of analytics events"),
    topic_row<kind::balances>("KAFKA_TOPIC_BALANCES", "--topic-balances",
                              "topic of balances events"),
    setting_row{"KAFKA_LINGER_MS", "--linger-ms", kafka_bit, "MS",
                "producer linger.ms: how long records wait to be batched",
                [](settings& s, sv v) {
                  s.kafka.linger = std::chrono::milliseconds(parse_whole(v, 0, 900'000));
                },
                [](const settings& s) { return num(s.kafka.linger.count()); }},
    setting_row{"KAFKA_DELIVERY_TIMEOUT_MS", "--delivery-timeout-ms", kafka_bit, "MS",
                "producer message.timeout.ms: a record not acknowledged by then fails",
                [](settings& s, sv v) {
                  s.kafka.delivery_timeout =
                      std::chrono::milliseconds(parse_whole(v, 1, 2'147'483'647));
                },
                [](const settings& s) { return num(s.kafka.delivery_timeout.count()); }},
    setting_row{"KAFKA_ACKS", "--acks", kafka_bit, "ACKS",
                "producer acks: all (durable on every in-sync replica), 1 or 0",
                [](settings& s, sv v) {
                  s.kafka.acks = parse_choice(v, {"all", "-1", "1", "0"});
                  if (s.kafka.acks == "-1") s.kafka.acks = "all";
                },
                [](const settings& s) { return s.kafka.acks; }},
    setting_row{"KAFKA_COMPRESSION", "--compression", kafka_bit, "CODEC",
                "producer compression: none, gzip, snappy, lz4 or zstd",
                [](settings& s, sv v) {
                  s.kafka.compression = parse_choice(v, {"none", "gzip", "snappy", "lz4", "zstd"});
                },
                [](const settings& s) { return s.kafka.compression; }},
    setting_row{"KAFKA_FETCH_WAIT_MAX_MS", "--fetch-wait-max-ms", kafka_bit, "MS",
                "consumer fetch.wait.max.ms: how long the broker may hold an empty fetch",
                [](settings& s, sv v) {
                  s.kafka.fetch_wait_max = std::chrono::milliseconds(parse_whole(v, 0, 300'000));
                },
                [](const settings& s) { return num(s.kafka.fetch_wait_max.count()); }},
    setting_row{"KAFKA_LOOKBACK", "--lookback", kafka_bit, "DURATION",
                "history replayed on start: records newer than now minus this; 0 = none",
                [](settings& s, sv v) { s.kafka.lookback = parse_duration(v, 0ms, 168h); },
                [](const settings& s) { return dur(s.kafka.lookback); }},
    // Kafka security (issue 9): filled into kafka_options::extra by config/kafka_security.cc
    setting_row{"KAFKA_SECURITY_PROTOCOL", "--kafka-security-protocol", kafka_bit, "PROTOCOL",
                "plaintext, ssl, sasl_plaintext or sasl_ssl (librdkafka security.protocol)",
                [](settings& s, sv v) {
                  s.kafka_security.protocol =
                      parse_choice(lower(v), {"plaintext", "ssl", "sasl_plaintext", "sasl_ssl"});
                },
                [](const settings& s) { return s.kafka_security.protocol; }},
    setting_row{"KAFKA_SASL_MECHANISM", "--kafka-sasl-mechanism", kafka_bit, "MECHANISM",
                "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (needs a sasl_* protocol)",
                [](settings& s, sv v) {
                  s.kafka_security.sasl_mechanism =
                      parse_choice(upper(v), {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"});
                },
                [](const settings& s) { return s.kafka_security.sasl_mechanism; }},
    setting_row{"KAFKA_SASL_USERNAME", "--kafka-sasl-username", kafka_bit, "NAME", "SASL user name",
                [](settings& s, sv v) { s.kafka_security.sasl_username = std::string(v); },
                [](const settings& s) { return s.kafka_security.sasl_username; }},
    setting_row{"KAFKA_SASL_PASSWORD", "--kafka-sasl-password", kafka_bit, "SECRET",
                "SASL password (never logged; prefer KAFKA_SASL_PASSWORD_FILE: a flag or "
                "variable is visible to other processes)",
                [](settings& s, sv v) { s.kafka_security.sasl_password = std::string(v); },
                [](const settings& s) { return redacted(s.kafka_security.sasl_password); }},
    setting_row{"KAFKA_SASL_PASSWORD_FILE", "--kafka-sasl-password-file", kafka_bit, "PATH",
                "file holding the SASL password (trailing newline ignored)",
                [](settings& s, sv v) { s.kafka_security.sasl_password_file = std::string(v); },
                [](const settings& s) { return s.kafka_security.sasl_password_file; }},
    setting_row{"KAFKA_TLS_CA_FILE", "--kafka-tls-ca-file", kafka_bit, "PATH",
                "PEM CA certificate(s) the brokers' certificates are checked against (ssl, "
                "sasl_ssl; default: the system's)",
                [](settings& s, sv v) { s.kafka_security.tls_ca_file = std::string(v); },
                [](const settings& s) { return s.kafka_security.tls_ca_file; }},
    setting_row{"KAFKA_TLS_CERT_FILE", "--kafka-tls-cert-file", kafka_bit, "PATH",
                "PEM client certificate for mutual TLS (with KAFKA_TLS_KEY_FILE)",
                [](settings& s, sv v) { s.kafka_security.tls_cert_file = std::string(v); },
                [](const settings& s) { return s.kafka_security.tls_cert_file; }},
    setting_row{"KAFKA_TLS_KEY_FILE", "--kafka-tls-key-file", kafka_bit, "PATH",
                "PEM private key of the client certificate (a passphrase: "
                "KAFKA_PROPERTY_SSL_KEY_PASSWORD)",
                [](settings& s, sv v) { s.kafka_security.tls_key_file = std::string(v); },
                [](const settings& s) { return s.kafka_security.tls_key_file; }},
    // Memory bus
    setting_row{"BUS_PARTITIONS", "--partitions", memory_bit, "N", "partitions per topic",
                [](settings& s, sv v) {
                  s.memory.partitions = static_cast<int32_t>(parse_whole(v, 1, 1024));
                },
                [](const settings& s) { return num(static_cast<uint64_t>(s.memory.partitions)); }},
    setting_row{
        "BUS_RETENTION_RECORDS", "--retention-records", memory_bit, "N",
        "records kept per partition; the oldest go first",
        [](settings& s, sv v) { s.memory.retention_records = parse_whole(v, 1, 1'000'000'000); },
        [](const settings& s) { return num(s.memory.retention_records); }},
    setting_row{
        "BUS_RETENTION_BYTES", "--retention-bytes", memory_bit, "BYTES",
        "bytes kept per topic; the oldest records go first",
        [](settings& s, sv v) { s.memory.retention_bytes = parse_bytes(v, 1 * KiB, 1 * TiB); },
        [](const settings& s) { return format_bytes(s.memory.retention_bytes); }},
    setting_row{"BUS_RETENTION", "--retention", memory_bit, "DURATION",
                "age past which records are dropped",
                [](settings& s, sv v) { s.memory.retention_time = parse_duration(v, 1s, 168h); },
                [](const settings& s) { return dur(s.memory.retention_time); }},
};

}  // namespace

std::span<const setting_row> bus_setting_rows() {
  return rows;
}

}  // namespace odin::config
