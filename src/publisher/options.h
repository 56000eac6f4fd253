#pragma once
// Settings of the publisher's HTTP ingest server (filled by src/config; the proposed
// environment names are in README.md).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "auth/api_key_set.h"

namespace odin::publisher {

struct options {
  std::string host = "0.0.0.0";
  uint16_t port = 3003;                  // PORT; 0 = any free port (tests)
  std::size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  std::size_t max_batch = 1000;          // events per POST /events; more get 413
  // The whole request (headers and body) must arrive within this; else 408 and close.
  // It is also how long an idle keep-alive connection stays open.
  std::chrono::milliseconds request_timeout{10000};
  // PUBLISHER_ACK_TIMEOUT: longest wait for the bus to acknowledge every event of a request —
  // shorter than a backend's HTTP timeout (5-10 s is usual). Past it the answer is 504
  // "ack_timeout" with each event's outcome (published / failed / unknown); unknown ones may
  // still be published later (the bus's delivery timeout is longer).
  std::chrono::milliseconds ack_timeout{5000};
  // PUBLISHER_IDEMPOTENCY_WINDOW / _MAX_KEYS: Idempotency-Key and eventId values are
  // remembered this long (from first seen), at most this many (least recently used first).
  std::chrono::milliseconds idempotency_window{std::chrono::minutes(5)};
  std::size_t idempotency_max_keys = 100000;
  // PUBLISHER_QUEUE_HIGH_WATERMARK: records handed to the bus and not yet acknowledged; a
  // request that would pass it gets 503 "queue_full" at once, nothing enqueued.
  std::size_t queue_high_watermark = 50000;
  unsigned io_threads = 1;
  // Not a setting: `odin dev` sets it so the HTTP threads yield the CPU to the gateway's
  // fan-out in the same process (SCHED_BATCH + nice 10, as the simulator: sim/thread_priority.h;
  // measured with bench/thread_cpu.py: under POST /events they wake ~75 times/s otherwise).
  bool background_priority = false;
  std::size_t max_connections = 1024;  // more get 503 and are closed
  // PUBLISHER_STRICT_SCHEMAS: refuse events with fields their schema does not declare
  // (default: pass them through, count them in publisher_unknown_fields_total).
  bool strict_schemas = false;
  // stop(): how long requests whose events are still on their way to the bus get to finish.
  std::chrono::milliseconds shutdown_timeout{5000};
  // PUBLISHER_API_KEYS / PUBLISHER_API_KEYS_FILE: when not empty, POST /events and POST
  // /control need `Authorization: Bearer <key>` (else 401); GET routes stay open.
  auth::api_key_set api_keys;
  // PUBLISHER_ALLOW_ANONYMOUS: no keys and yet listening beyond loopback, on purpose
  // (config/publisher_access.h decides the address; the server only logs it).
  bool allow_anonymous = false;
  // PUBLISHER_ADMIN_ADDR: when admin_host is set, GET /metrics is served only on this second
  // listener (with /health); the public port keeps the API, /stats and /health.
  std::string admin_host;   // "" = no admin listener
  uint16_t admin_port = 0;  // 0 = any free port (tests)
};

}  // namespace odin::publisher
