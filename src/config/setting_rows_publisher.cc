#include "config/setting_rows.h"

#include <array>

#include "config/value_parsers.h"

namespace odin::config {
namespace {

using namespace std::chrono_literals;
using namespace setting_text;
using sv = std::string_view;

const std::array rows = {
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
};

}  // namespace

std::span<const setting_row> publisher_setting_rows() {
  return rows;
}

}  // namespace odin::config
