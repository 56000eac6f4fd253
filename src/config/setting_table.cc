#include "config/setting_table.h"

#include <array>
#include <cctype>

#include <fmt/format.h>

#include "common/log.h"
#include "config/admission_settings.h"
#include "config/value_parsers.h"
#include "model/token_pool.h"

namespace odin::config {
namespace {

using namespace std::chrono_literals;
using model::kind;
using sv = std::string_view;

std::string num(uint64_t v) {
  return std::to_string(v);
}
std::string dur(std::chrono::milliseconds d) {
  return format_duration(d);
}

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

std::string lower(sv v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
std::string upper(sv v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
std::string redacted(const std::string& secret) {
  return secret.empty() ? std::string() : std::string("(redacted)");
}

constexpr uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024;

const std::array rows = {
    // Gateway
    setting_row{"WS_ADDR", "--addr", gateway_bit, "ADDR", "WebSocket/HTTP listen address",
                [](settings& s, sv v) {
                  auto a = parse_listen_address(v);
                  s.gateway.host = std::move(a.host);
                  s.gateway.port = a.port;
                },
                [](const settings& s) {
                  return format_listen_address({s.gateway.host, s.gateway.port});
                }},
    setting_row{"WS_IO_THREADS", "--io-threads", gateway_bit, "N",
                "I/O threads, each with its own connections and subscription shard; 0 = auto: "
                "the CPUs of the affinity mask, at most the cgroup v2 CPU quota (rounded "
                "down), at least 1",
                [](settings& s, sv v) { s.gateway.io_threads = parse_whole(v, 0, 1024); },
                [](const settings& s) { return num(s.gateway.io_threads); }},
    setting_row{"WS_DISPATCH", "--dispatch", gateway_bit, "MODE",
                "where the bus is read: auto (on the I/O thread when there is exactly one, no "
                "dispatcher thread) or thread (always a dispatcher thread, the multi-shard path)",
                [](settings& s, sv v) {
                  s.gateway.dispatch = parse_choice(v, {"auto", "thread"}) == "thread"
                                           ? gateway::dispatch_mode::thread
                                           : gateway::dispatch_mode::automatic;
                },
                [](const settings& s) {
                  return std::string(s.gateway.dispatch == gateway::dispatch_mode::thread ? "thread"
                                                                                          : "auto");
                }},
    setting_row{"WS_MAX_CONNECTIONS", "--max-connections", gateway_bit, "N",
                "open connections; upgrades past it get HTTP 503",
                [](settings& s, sv v) { s.gateway.max_connections = parse_whole(v, 1, 1'000'000); },
                [](const settings& s) { return num(s.gateway.max_connections); }},
    setting_row{
        "WS_CPU_REJECT_THRESHOLD", "--cpu-reject-threshold", gateway_bit, "PERCENT",
        "this process's CPU use (% of the CPUs it may run on) above which new connections are "
        "refused (0, 100]",
        [](settings& s, sv v) { s.gateway.cpu_reject_threshold = parse_number_above_zero(v, 100); },
        [](const settings& s) { return fmt::format("{}", s.gateway.cpu_reject_threshold); }},
    setting_row{"WS_MEMORY_LIMIT", "--memory-limit", gateway_bit, "BYTES",
                "resident memory above which new connections are refused (bytes, or 512MiB, "
                "14.5GiB); auto = 90% of the cgroup v2 memory.max when set, else 14.5GiB",
                [](settings& s, sv v) {
                  s.gateway.memory_limit_bytes =
                      v == "auto" ? 0 : parse_bytes(v, 16 * MiB, 1024 * TiB);
                },
                [](const settings& s) {
                  const uint64_t b = s.gateway.memory_limit_bytes;
                  return b == 0 ? std::string("auto") : format_bytes(b);
                }},
    setting_row{
        "WS_MAX_MESSAGE_BYTES", "--max-message-bytes", gateway_bit, "BYTES",
        "largest client message; a larger one closes the connection with 1009",
        [](settings& s, sv v) { s.gateway.max_message_bytes = parse_bytes(v, 128, 64 * MiB); },
        [](const settings& s) { return format_bytes(s.gateway.max_message_bytes); }},
    setting_row{
        "WS_MAX_QUEUE_BYTES", "--max-queue-bytes", gateway_bit, "BYTES",
        "outbound bytes queued per client; past it the client is closed with 4008",
        [](settings& s, sv v) { s.gateway.max_queue_bytes = parse_bytes(v, 1 * KiB, 1 * GiB); },
        [](const settings& s) { return format_bytes(s.gateway.max_queue_bytes); }},
    setting_row{
        "WS_MAX_SUBSCRIPTIONS", "--max-subscriptions", gateway_bit, "N",
        "channels one connection may subscribe to",
        [](settings& s, sv v) { s.gateway.max_subscriptions = parse_whole(v, 1, 1'000'000); },
        [](const settings& s) { return num(s.gateway.max_subscriptions); }},
    setting_row{"WS_MAX_TOKENS_PER_REQUEST", "--max-tokens-per-request", gateway_bit, "N",
                "tokens or channels in one subscribe/unsubscribe request",
                [](settings& s, sv v) { s.gateway.max_per_request = parse_whole(v, 1, 100'000); },
                [](const settings& s) { return num(s.gateway.max_per_request); }},
    setting_row{"METRICS_INTERVAL", "--metrics-interval", gateway_bit, "DURATION",
                "how often CPU and memory are sampled for the connection guards",
                [](settings& s, sv v) { s.gateway.guard_interval = parse_duration(v, 10ms, 1h); },
                [](const settings& s) { return dur(s.gateway.guard_interval); }},
    setting_row{
        "WS_HANDSHAKE_TIMEOUT", "--handshake-timeout", gateway_bit, "DURATION",
        "time a new connection has to complete the WebSocket upgrade",
        [](settings& s, sv v) { s.gateway.handshake_timeout = parse_duration(v, 100ms, 5min); },
        [](const settings& s) { return dur(s.gateway.handshake_timeout); }},
    setting_row{
        "WS_SHUTDOWN_TIMEOUT", "--shutdown-timeout", gateway_bit, "DURATION",
        "on SIGTERM, time given to clients to close with 1001",
        [](settings& s, sv v) { s.gateway.shutdown_timeout = parse_duration(v, 0ms, 5min); },
        [](const settings& s) { return dur(s.gateway.shutdown_timeout); }},
    setting_row{
        "WS_CLOSE_TIMEOUT", "--close-timeout", gateway_bit, "DURATION",
        "time a closing connection (slow client 4008, protocol error) gets to take its close "
        "frame before the socket is closed hard",
        [](settings& s, sv v) { s.gateway.close_timeout = parse_duration(v, 1ms, 5min); },
        [](const settings& s) { return dur(s.gateway.close_timeout); }},
    setting_row{
        "WS_FLUSH_INTERVAL", "--flush-interval", gateway_bit, "DURATION",
        "a client written less than this long ago gets its next frames gathered for up to "
        "this long, in one syscall (a calm client is written at once; 0 = after every drain "
        "turn)",
        [](settings& s, sv v) { s.gateway.flush_interval = parse_duration_us(v, 0us, 100'000us); },
        [](const settings& s) { return format_duration_us(s.gateway.flush_interval); }},
    setting_row{
        "WS_SHARD_INBOX_FRAMES", "--shard-inbox-frames", gateway_bit, "N",
        "frames an I/O thread may have pending before the bus consumer pauses",
        [](settings& s, sv v) { s.gateway.shard_inbox_frames = parse_whole(v, 16, 16'777'216); },
        [](const settings& s) { return num(s.gateway.shard_inbox_frames); }},
    // Gateway: cgroup-aware guard, record filter (h-gateway)
    setting_row{"WS_CPU_LIMIT", "--cpu-limit", gateway_bit, "CORES",
                "cores the CPU share is measured against (the plan's WS_CPU_LIMIT); auto = the "
                "cgroup v2 quota (cpu.max, Docker cpus:) when set, else the CPUs of the "
                "affinity mask",
                [](settings& s, sv v) {
                  s.gateway.cpu_limit_cores = v == "auto" ? 0 : parse_number_above_zero(v, 4096);
                },
                [](const settings& s) {
                  return s.gateway.cpu_limit_cores == 0
                             ? std::string("auto")
                             : fmt::format("{}", s.gateway.cpu_limit_cores);
                }},
    setting_row{
        "WS_IDEMPOTENCY_WINDOW", "--duplicate-window", gateway_bit, "DURATION",
        "a record whose odin-idempotency-key header was already delivered on its topic "
        "within this window is dropped as a duplicate; 0 = no deduplication",
        [](settings& s, sv v) { s.gateway.idempotency_window = parse_duration(v, 0ms, 24h); },
        [](const settings& s) { return dur(s.gateway.idempotency_window); }},
    setting_row{
        "WS_IDEMPOTENCY_MAX_KEYS", "--duplicate-max-keys", gateway_bit, "N",
        "idempotency keys remembered at most (oldest forgotten first; ~100 bytes each)",
        [](settings& s, sv v) { s.gateway.idempotency_max_keys = parse_whole(v, 1, 100'000'000); },
        [](const settings& s) { return num(s.gateway.idempotency_max_keys); }},
    setting_row{"KAFKA_INSTANCE_ID", "--instance-id", kafka_bit, "NAME",
                "this gateway's stable id: its consumer group is KAFKA_GROUP_ID-<id>, reused "
                "across restarts; default: the hostname",
                [](settings& s, sv v) { s.kafka.instance_id = parse_name(v); },
                [](const settings& s) {
                  return s.kafka.instance_id.empty() ? std::string("hostname")
                                                     : s.kafka.instance_id;
                }},
    // Recovery ("since"), snapshots: the gateway's in-memory history, then the bus
    setting_row{
        "WS_HISTORY_SIZE", "--history-size", gateway_bit, "N",
        "events kept in memory per channel for since/snapshot (0 = none: every since goes to "
        "the bus, no snapshots)",
        [](settings& s, sv v) { s.gateway.history_size = parse_whole(v, 0, 1'000'000); },
        [](const settings& s) { return num(s.gateway.history_size); }},
    setting_row{"WS_HISTORY_TTL", "--history-ttl", gateway_bit, "DURATION",
                "how long an event stays in the in-memory history",
                [](settings& s, sv v) { s.gateway.history_ttl = parse_duration(v, 1s, 24h); },
                [](const settings& s) { return dur(s.gateway.history_ttl); }},
    setting_row{
        "WS_HISTORY_MAX_BYTES", "--history-max-bytes", gateway_bit, "BYTES",
        "memory the history may hold over all channels; the oldest events go first",
        [](settings& s, sv v) { s.gateway.history_max_bytes = parse_bytes(v, 0, 64 * GiB); },
        [](const settings& s) { return format_bytes(s.gateway.history_max_bytes); }},
    setting_row{
        "WS_RECOVERY_MAX_EVENTS", "--recovery-max-events", gateway_bit, "N",
        "most events one since channel may replay; a longer gap is answered recovered:false",
        [](settings& s, sv v) { s.gateway.recovery_max_events = parse_whole(v, 1, 1'000'000); },
        [](const settings& s) { return num(s.gateway.recovery_max_events); }},
    setting_row{
        "WS_RECOVERY_TIMEOUT", "--recovery-timeout", gateway_bit, "DURATION",
        "deadline of a recovery read from the bus; past it the channel is recovered:false",
        [](settings& s, sv v) { s.gateway.recovery_timeout = parse_duration(v, 10ms, 5min); },
        [](const settings& s) { return dur(s.gateway.recovery_timeout); }},
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
    // Publisher
    setting_row{"PORT", "--port", publisher_bit, "PORT",
                "publisher HTTP port (POST /events, /control, /stats, /health, /metrics)",
                [](settings& s, sv v) {
                  s.publisher.port = static_cast<uint16_t>(parse_whole(v, 0, 65535));
                },
                [](const settings& s) { return num(s.publisher.port); }},
    setting_row{"PUBLISHER_HOST", "--publisher-host", publisher_bit, "HOST",
                "publisher listen address (0.0.0.0 = all interfaces; beyond loopback only with "
                "PUBLISHER_API_KEYS or PUBLISHER_ALLOW_ANONYMOUS=true)",
                [](settings& s, sv v) { s.publisher.host = std::string(v); },
                [](const settings& s) {
                  return s.publisher.host.empty()
                             ? std::string("0.0.0.0 with a key, else 127.0.0.1")
                             : s.publisher.host;
                }},
    setting_row{
        "PUBLISHER_MAX_BODY_BYTES", "--max-body-bytes", publisher_bit, "BYTES",
        "largest request body; a larger one gets 413",
        [](settings& s, sv v) { s.publisher.max_body_bytes = parse_bytes(v, 1024, 64 * MiB); },
        [](const settings& s) { return format_bytes(s.publisher.max_body_bytes); }},
    setting_row{"PUBLISHER_MAX_BATCH", "--max-batch", publisher_bit, "N",
                "most events in one POST /events; more get 413",
                [](settings& s, sv v) { s.publisher.max_batch = parse_whole(v, 1, 100'000); },
                [](const settings& s) { return num(s.publisher.max_batch); }},
    setting_row{
        "PUBLISHER_REQUEST_TIMEOUT", "--request-timeout", publisher_bit, "DURATION",
        "a whole request must arrive within this (slow bodies get 408)",
        [](settings& s, sv v) { s.publisher.request_timeout = parse_duration(v, 100ms, 10min); },
        [](const settings& s) { return dur(s.publisher.request_timeout); }},
    // Publisher: the plan's (docs/plan.md) contract and the bus outage (issues 8 and 14)
    setting_row{"PUBLISHER_STRICT_SCHEMAS", "--strict-schemas", publisher_bit, "BOOL",
                "true: refuse events with fields their schema does not declare (default false: "
                "pass them through, counted in publisher_unknown_fields_total)",
                [](settings& s, sv v) {
                  s.publisher.strict_schemas = parse_choice(v, {"true", "false"}) == "true";
                },
                [](const settings& s) {
                  return std::string(s.publisher.strict_schemas ? "true" : "false");
                }},
    setting_row{
        "PUBLISHER_ACK_TIMEOUT", "--ack-timeout", publisher_bit, "DURATION",
        "POST /events waits this long for the bus to acknowledge every event, then answers 504 "
        "with each event's outcome (keep it below your backend's HTTP timeout)",
        [](settings& s, sv v) { s.publisher.ack_timeout = parse_duration(v, 100ms, 10min); },
        [](const settings& s) { return dur(s.publisher.ack_timeout); }},
    setting_row{
        "PUBLISHER_IDEMPOTENCY_WINDOW", "--idempotency-window", publisher_bit, "DURATION",
        "a repeated Idempotency-Key or eventId seen within this publishes nothing new",
        [](settings& s, sv v) { s.publisher.idempotency_window = parse_duration(v, 1s, 24h); },
        [](const settings& s) { return dur(s.publisher.idempotency_window); }},
    setting_row{"PUBLISHER_IDEMPOTENCY_MAX_KEYS", "--idempotency-max-keys", publisher_bit, "N",
                "most idempotency keys and eventIds remembered (least recently used forgotten)",
                [](settings& s, sv v) {
                  s.publisher.idempotency_max_keys = parse_whole(v, 1, 100'000'000);
                },
                [](const settings& s) { return num(s.publisher.idempotency_max_keys); }},
    setting_row{
        "PUBLISHER_QUEUE_HIGH_WATERMARK", "--queue-high-watermark", publisher_bit, "N",
        "events waiting for the bus above which POST /events gets 503 at once",
        [](settings& s, sv v) { s.publisher.queue_high_watermark = parse_whole(v, 1, 10'000'000); },
        [](const settings& s) { return num(s.publisher.queue_high_watermark); }},
    // Publisher API keys (issue 9): config/publisher_access.cc
    setting_row{"PUBLISHER_API_KEYS", "--api-keys", publisher_bit, "SECRETS",
                "comma-separated API keys; when set, POST /events and /control need "
                "Authorization: Bearer <key> (never logged; prefer PUBLISHER_API_KEYS_FILE)",
                [](settings& s, sv v) { s.publisher_api_keys = std::string(v); },
                [](const settings& s) { return redacted(s.publisher_api_keys); }},
    setting_row{"PUBLISHER_API_KEYS_FILE", "--api-keys-file", publisher_bit, "PATH",
                "file of API keys, one per line (# comments and blank lines skipped)",
                [](settings& s, sv v) { s.publisher_api_keys_file = std::string(v); },
                [](const settings& s) { return s.publisher_api_keys_file; }},
    setting_row{"PUBLISHER_ALLOW_ANONYMOUS", "--allow-anonymous", publisher_bit, "BOOL",
                "true: without an API key, listen on PUBLISHER_HOST (default 0.0.0.0) anyway "
                "and let anyone publish (default false: 127.0.0.1 only)",
                [](settings& s, sv v) {
                  s.publisher.allow_anonymous = parse_choice(v, {"true", "false"}) == "true";
                },
                [](const settings& s) {
                  return std::string(s.publisher.allow_anonymous ? "true" : "false");
                }},
    // Origins, per-IP limits, admin listeners (issue 9): config/admission_settings.cc
    setting_row{"WS_ALLOWED_ORIGINS", "--allowed-origins", gateway_bit, "ORIGINS",
                "browser origins allowed to open a WebSocket (comma-separated, exact, e.g. "
                "https://app.example.com; * = any); another Origin gets 403; no Origin header "
                "and the gateway's own page (Origin = Host) are always allowed; unset = any",
                [](settings& s, sv v) {
                  s.gateway.allowed_origins = parse_origin_list(v);
                  if (s.gateway.allowed_origins == std::vector<std::string>{"*"}) {
                    s.gateway.allowed_origins.clear();
                  }
                },
                [](const settings& s) {
                  return s.gateway.allowed_origins.empty()
                             ? std::string("* (any)")
                             : format_origin_list(s.gateway.allowed_origins);
                }},
    setting_row{
        "WS_MAX_CONNECTIONS_PER_IP", "--max-connections-per-ip", gateway_bit, "N",
        "open WebSocket connections per client IP; past it 429 with Retry-After; 0 = "
        "unlimited (behind a proxy every client has the proxy's IP)",
        [](settings& s, sv v) { s.gateway.max_connections_per_ip = parse_whole(v, 0, 1'000'000); },
        [](const settings& s) { return num(s.gateway.max_connections_per_ip); }},
    setting_row{"WS_UPGRADE_RATE_PER_IP", "--upgrade-rate-per-ip", gateway_bit, "PER_SECOND",
                "WebSocket upgrades per second per client IP (token bucket refill); past it "
                "429 with Retry-After; 0 = off",
                [](settings& s, sv v) {
                  s.gateway.upgrade_rate_per_ip = v == "0" ? 0 : parse_number_above_zero(v, 1e6);
                },
                [](const settings& s) { return fmt::format("{}", s.gateway.upgrade_rate_per_ip); }},
    setting_row{
        "WS_UPGRADE_BURST_PER_IP", "--upgrade-burst-per-ip", gateway_bit, "N",
        "upgrades one IP may make at once before WS_UPGRADE_RATE_PER_IP applies (the "
        "bucket size); 0 = max(1, rate)",
        [](settings& s, sv v) {
          s.gateway.upgrade_burst_per_ip = static_cast<double>(parse_whole(v, 0, 1'000'000));
        },
        [](const settings& s) { return fmt::format("{}", s.gateway.upgrade_burst_per_ip); }},
    setting_row{"WS_ADMIN_ADDR", "--ws-admin-addr", gateway_bit, "ADDR",
                "gateway admin listener (e.g. 127.0.0.1:9100): when set, /metrics and /ready "
                "are served only there and the public port keeps the WebSocket, /health and "
                "the page; unset = everything on WS_ADDR",
                [](settings& s, sv v) {
                  auto a = parse_listen_address(v);
                  s.gateway.admin_host = std::move(a.host);
                  s.gateway.admin_port = a.port;
                },
                [](const settings& s) {
                  return s.gateway.admin_host.empty()
                             ? std::string()
                             : format_listen_address({s.gateway.admin_host, s.gateway.admin_port});
                }},
    setting_row{"PUBLISHER_ADMIN_ADDR", "--publisher-admin-addr", publisher_bit, "ADDR",
                "publisher admin listener (e.g. 127.0.0.1:9101): when set, GET /metrics is "
                "served only there (with /health); unset = everything on PORT",
                [](settings& s, sv v) {
                  auto a = parse_listen_address(v);
                  s.publisher.admin_host = std::move(a.host);
                  s.publisher.admin_port = a.port;
                },
                [](const settings& s) {
                  return s.publisher.admin_host.empty()
                             ? std::string()
                             : format_listen_address(
                                   {s.publisher.admin_host, s.publisher.admin_port});
                }},
    // Client identity on the gateway (issue 9): config/gateway_auth.cc
    setting_row{
        "WS_AUTH", "--ws-auth", gateway_bit, "MODE",
        "off, optional (a token is checked when given; no token = public channels "
        "only) or required (no valid token = HTTP 401); default optional when a JWT key "
        "is configured, else off",
        [](settings& s, sv v) {
          s.ws_auth = parse_choice(v, {"off", "optional", "required"});
        },
        [](const settings& s) { return s.ws_auth.empty() ? std::string("auto") : s.ws_auth; }},
    setting_row{"WS_JWT_SECRET", "--jwt-secret", gateway_bit, "SECRET",
                "HS256 key for client tokens, at least 32 bytes (never logged; prefer "
                "WS_JWT_SECRET_FILE)",
                [](settings& s, sv v) { s.ws_jwt_secret = std::string(v); },
                [](const settings& s) { return redacted(s.ws_jwt_secret); }},
    setting_row{"WS_JWT_SECRET_FILE", "--jwt-secret-file", gateway_bit, "PATH",
                "file holding the HS256 key (a trailing newline is ignored)",
                [](settings& s, sv v) { s.ws_jwt_secret_file = std::string(v); },
                [](const settings& s) { return s.ws_jwt_secret_file; }},
    setting_row{"WS_JWT_PUBLIC_KEY_FILE", "--jwt-public-key-file", gateway_bit, "PATH",
                "PEM public key or certificate for RS256 (RSA >= 2048 bits) or ES256 (P-256) "
                "client tokens",
                [](settings& s, sv v) { s.gateway.auth.jwt.public_key_file = std::string(v); },
                [](const settings& s) { return s.gateway.auth.jwt.public_key_file; }},
    setting_row{"WS_JWT_JWKS_FILE", "--jwt-jwks-file", gateway_bit, "PATH",
                "JWKS file (RS256/ES256 keys, chosen by the token's kid)",
                [](settings& s, sv v) { s.gateway.auth.jwt.jwks_file = std::string(v); },
                [](const settings& s) { return s.gateway.auth.jwt.jwks_file; }},
    setting_row{"WS_JWT_ISSUER", "--jwt-issuer", gateway_bit, "TEXT",
                "when set, a token's iss must equal it",
                [](settings& s, sv v) { s.gateway.auth.jwt.issuer = std::string(v); },
                [](const settings& s) { return s.gateway.auth.jwt.issuer; }},
    setting_row{"WS_JWT_AUDIENCE", "--jwt-audience", gateway_bit, "TEXT",
                "when set, a token's aud (string or array) must contain it",
                [](settings& s, sv v) { s.gateway.auth.jwt.audience = std::string(v); },
                [](const settings& s) { return s.gateway.auth.jwt.audience; }},
    setting_row{"WS_JWT_LEEWAY", "--jwt-leeway", gateway_bit, "DURATION",
                "clock skew allowed on exp and nbf (whole seconds, at most 5m); a connection "
                "whose token is past exp + leeway is closed with 4001",
                [](settings& s, sv v) {
                  s.gateway.auth.jwt.leeway = std::chrono::duration_cast<std::chrono::seconds>(
                      parse_duration(v, 0ms, 5min));
                },
                [](const settings& s) {
                  return dur(std::chrono::duration_cast<std::chrono::milliseconds>(
                      s.gateway.auth.jwt.leeway));
                }},
    setting_row{"WS_PUBLIC_BALANCES", "--public-balances", gateway_bit, "BOOL",
                "true: balances channels are public again (every user's balance to every "
                "subscriber, no token needed; warned at start-up); default false: only the "
                "token's own userId, or odin_admin",
                [](settings& s, sv v) {
                  s.gateway.auth.public_balances = parse_choice(v, {"true", "false"}) == "true";
                },
                [](const settings& s) {
                  return std::string(s.gateway.auth.public_balances ? "true" : "false");
                }},
    // Simulator
    setting_row{"SIM_TOKENS", "--tokens", sim_bit, "LIST", "tokens the simulator trades",
                [](settings& s, sv v) { s.sim.tokens = parse_token_list(v); },
                [](const settings& s) { return fmt::format("{}", fmt::join(s.sim.tokens, ",")); }},
    setting_row{"SIM_TOKEN_POOL", "--token-pool", sim_bit, "N",
                "if above 0, simulate N tokens T0001, T0002 ... instead of SIM_TOKENS",
                [](settings& s, sv v) {
                  if (auto n = parse_whole(v, 0, 1'000'000); n > 0)
                    s.sim.tokens = model::token_pool(n);
                },
                [](const settings&) { return std::string("0"); }},
    setting_row{"SIM_RATE", "--rate", sim_bit, "EVENTS/S", "simulated events per second",
                [](settings& s, sv v) { s.sim.rate = parse_number_above_zero(v, sim::max_rate); },
                [](const settings& s) { return fmt::format("{}", s.sim.rate); }},
    setting_row{"SIM_SEED", "--seed", sim_bit, "N", "random seed; 0 = a fresh one each start",
                [](settings& s, sv v) { s.sim.seed = parse_whole(v, 0, UINT64_MAX); },
                [](const settings& s) { return num(s.sim.seed); }},
    // Logging
    setting_row{"LOG_LEVEL", "--log-level", log_bit, "LEVEL", "trace, debug, info, warn or error",
                [](settings& s, sv v) {
                  if (!parse_log_level(v)) {
                    throw invalid_value(fmt::format("expected {}", log_levels_allowed));
                  }
                  s.log_level = std::string(v);
                },
                [](const settings& s) { return s.log_level; }},
    setting_row{"LOG_FORMAT", "--log-format", log_bit, "FORMAT",
                "json (one object per line) or text",
                [](settings& s, sv v) {
                  if (!is_log_format(v)) {
                    throw invalid_value(fmt::format("expected {}", log_formats_allowed));
                  }
                  s.log_format = std::string(v);
                },
                [](const settings& s) { return s.log_format; }},
    setting_row{"ENVIRONMENT", "--environment", log_bit, "NAME",
                "deployment name shown in logs (development, production ...)",
                [](settings& s, sv v) { s.environment = parse_name(v); },
                [](const settings& s) { return s.environment; }},
};

constexpr sv no_pool =
    "Odin has no worker pool or goroutines: shard-per-core I/O threads do the work "
    "(see WS_IO_THREADS)";
constexpr sv no_drop =
    "Odin never drops records past a rate: when clients fall behind it pauses bus "
    "partitions (backpressure)";

constexpr std::array<ignored_variable, 6> ignored = {{
    {"WS_WORKER_POOL_SIZE", no_pool},
    {"WS_WORKER_QUEUE_SIZE", no_pool},
    {"WS_MAX_GOROUTINES", no_pool},
    {"WS_MAX_KAFKA_RATE", no_drop},
    {"WS_MAX_BROADCAST_RATE", no_drop},
    {"WS_CPU_PAUSE_THRESHOLD",
     "Odin never pauses consumption on CPU load: it pauses partitions only when clients fall "
     "behind (backpressure); WS_CPU_REJECT_THRESHOLD still refuses new connections"},
}};

}  // namespace

std::span<const setting_row> setting_rows() {
  return rows;
}

bool is_secret_setting(std::string_view env) {
  return env == "KAFKA_SASL_PASSWORD" || env == "PUBLISHER_API_KEYS" || env == "WS_JWT_SECRET";
}

std::span<const ignored_variable> ignored_variables() {
  return ignored;
}

std::string_view group_title(unsigned bit) {
  switch (bit) {
    case gateway_bit:
      return "Gateway";
    case kafka_bit:
      return "Kafka";
    case memory_bit:
      return "Memory bus";
    case sim_bit:
      return "Simulator";
    case log_bit:
      return "Logging";
    case publisher_bit:
      return "Publisher";
  }
  return "Other";
}

}  // namespace odin::config
