#include "config/setting_rows.h"

#include <array>

#include <fmt/format.h>

#include "config/value_parsers.h"

namespace odin::config {
namespace {

using namespace std::chrono_literals;
using namespace setting_text;
using sv = std::string_view;

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
    setting_row{"WS_FLUSH_MODE", "--flush-mode", gateway_bit, "adaptive|fixed",
                "adaptive: no coalescing window while an I/O thread keeps up, growing up to "
                "WS_FLUSH_INTERVAL only when it is saturated; fixed: always WS_FLUSH_INTERVAL",
                [](settings& s, sv v) {
                  s.gateway.flush_adaptive = parse_choice(v, {"adaptive", "fixed"}) == "adaptive";
                },
                [](const settings& s) {
                  return std::string(s.gateway.flush_adaptive ? "adaptive" : "fixed");
                }},
    setting_row{
        "WS_SHARD_INBOX_FRAMES", "--shard-inbox-frames", gateway_bit, "N",
        "frames an I/O thread may have pending before the bus consumer pauses",
        [](settings& s, sv v) { s.gateway.shard_inbox_frames = parse_whole(v, 16, 16'777'216); },
        [](const settings& s) { return num(s.gateway.shard_inbox_frames); }},
    // Gateway: cgroup-aware guard, record filter
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
    // Gateway: permessage-deflate (RFC 7692)
    setting_row{
        "WS_COMPRESSION", "--ws-compression", gateway_bit, "on|off",
        "on: accept a client's permessage-deflate offer (events compressed once per I/O "
        "thread, no context takeover); off: never negotiate it",
        [](settings& s, sv v) {
          s.gateway.compression = parse_choice(v, {"on", "off"}) == "on";
        },
        [](const settings& s) { return std::string(s.gateway.compression ? "on" : "off"); }},
    setting_row{
        "WS_COMPRESSION_MIN_BYTES", "--ws-compression-min-bytes", gateway_bit, "BYTES",
        "event frames with a smaller JSON payload go uncompressed even to compressing clients",
        [](settings& s, sv v) { s.gateway.compression_min_bytes = parse_bytes(v, 0, 64 * MiB); },
        [](const settings& s) { return format_bytes(s.gateway.compression_min_bytes); }},
};

}  // namespace

std::span<const setting_row> gateway_setting_rows() {
  return rows;
}

}  // namespace odin::config
