#pragma once
// Everything the gateway can be told (filled by src/config from env, .env and flags).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt_verifier.h"

namespace odin::gateway {

// WS_AUTH: off = tokens are not read; optional = a token is verified when given (anonymous
// connections get public channels only); required = an upgrade without a valid token is 401.
enum class auth_mode : uint8_t { off, optional, required };

// WS_DISPATCH: where the bus is read. automatic: on the I/O thread when there is exactly one
// (io_dispatch.h), else a dispatcher thread; thread: always a dispatcher thread (comparison).
enum class dispatch_mode : uint8_t { automatic, thread };
inline std::string_view auth_mode_name(auth_mode m) {
  return m == auth_mode::required ? "required" : m == auth_mode::optional ? "optional" : "off";
}

// Client identity (issue 9): JWT access tokens on the upgrade and in `auth` messages.
struct auth_options {
  auth_mode mode = auth_mode::off;
  auth::jwt_options jwt;         // WS_JWT_*: keys, issuer, audience, leeway
  bool public_balances = false;  // WS_PUBLIC_BALANCES: balances channels open to anyone
  // The wall clock tokens are checked against (tests inject one); empty = system_clock.
  std::function<std::chrono::system_clock::time_point()> clock;
};

struct options {
  std::string host = "0.0.0.0";  // WS_ADDR host part (":3002" means all interfaces)
  uint16_t port = 3002;          // WS_ADDR port part; 0 = pick a free port (tests)
  unsigned io_threads = 0;       // WS_IO_THREADS; 0 = auto (io_thread_count.h)
  dispatch_mode dispatch = dispatch_mode::automatic;  // WS_DISPATCH

  std::size_t max_connections = 12000;  // WS_MAX_CONNECTIONS: HTTP 503 past it
  double cpu_reject_threshold =
      75.0;  // WS_CPU_REJECT_THRESHOLD: % of the CPUs this process may use
  // WS_CPU_LIMIT: the cores the CPU share is measured against; 0 = the cgroup v2 quota
  // (cpu.max) when one is set, else the CPUs in the affinity mask.
  double cpu_limit_cores = 0;
  // WS_MEMORY_LIMIT: refuse upgrades above this RSS; 0 = 90 % of the cgroup v2 memory.max
  // when one is set, else 14.5 GiB (the plan's (docs/plan.md) default).
  uint64_t memory_limit_bytes = 0;
  std::string cgroup_root = "/sys/fs/cgroup";          // where cgroup v2 is mounted (tests)
  std::string proc_self_cgroup = "/proc/self/cgroup";  // this process's cgroup (tests)
  std::chrono::milliseconds guard_interval{1000};      // how often CPU/RSS are sampled

  std::size_t max_message_bytes = 64 * 1024;  // WS_MAX_MESSAGE_BYTES: inbound; 1009 past it
  std::size_t max_queue_bytes = 1024 * 1024;  // WS_MAX_QUEUE_BYTES: outbound; 4008 past it
  std::size_t max_subscriptions = 1000;       // WS_MAX_SUBSCRIPTIONS per connection
  std::size_t max_per_request = 100;          // WS_MAX_TOKENS_PER_REQUEST
  std::chrono::milliseconds handshake_timeout{10000};
  std::chrono::milliseconds shutdown_timeout{3000};  // SIGTERM: time given to close with 1001
  std::chrono::milliseconds close_timeout{1000};     // a closing connection's time to flush its
                                                     // close frame and answer it (4008, 1002 ...)

  // WS_FLUSH_INTERVAL: a session written less than this long ago has its next frames gathered
  // for up to this long, then written in one sendmsg; a calm session is written at once
  // (0 = write every session after every drain turn).
  std::chrono::microseconds flush_interval{2000};
  // WS_FLUSH_MODE: adaptive (true, the default) = the window is 0 while a shard keeps up and
  // grows up to flush_interval only when it is saturated (flush_window.h); fixed (false) =
  // always flush_interval.
  bool flush_adaptive = true;
  // The clock flush coalescing reads ("written less than flush_interval ago"); not a setting:
  // tests inject a manual clock. Empty = std::chrono::steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;

  // WS_IDEMPOTENCY_WINDOW / WS_IDEMPOTENCY_MAX_KEYS: a record whose odin-idempotency-key
  // header was forwarded on its topic within the window is dropped as a duplicate; at most
  // max_keys keys are remembered (oldest first out). 0 = no deduplication.
  std::chrono::milliseconds idempotency_window{300000};
  std::size_t idempotency_max_keys = 200000;
  // Recovery ("since") and snapshots: the in-memory history per channel, and the bus beyond it.
  std::size_t history_size = 100;                 // WS_HISTORY_SIZE: frames per channel; 0 = none
  std::chrono::milliseconds history_ttl{300000};  // WS_HISTORY_TTL
  std::size_t history_max_bytes = 32 * 1024 * 1024;  // WS_HISTORY_MAX_BYTES, every channel
  std::size_t recovery_max_events = 1000;  // WS_RECOVERY_MAX_EVENTS: more missed = not recovered
  std::chrono::milliseconds recovery_timeout{5000};  // WS_RECOVERY_TIMEOUT: a bus fetch's deadline

  // Admission (issue 9): which browser origins may connect and how much one IP may do.
  // WS_ALLOWED_ORIGINS: exact origins; empty or "*" = any (an Origin naming the request's own
  // Host is always allowed: the gateway's page). A listed-but-foreign Origin gets 403.
  std::vector<std::string> allowed_origins;
  std::size_t max_connections_per_ip = 0;  // WS_MAX_CONNECTIONS_PER_IP: 429 past it; 0 = off
  double upgrade_rate_per_ip = 0;          // WS_UPGRADE_RATE_PER_IP: upgrades/s per IP; 0 = off
  double upgrade_burst_per_ip = 0;         // WS_UPGRADE_BURST_PER_IP: bucket size; 0 = max(1, rate)
  // ADMIN_ADDR for the gateway (WS_ADMIN_ADDR): when admin_port is set, /metrics and /ready
  // are served only there and the public port serves the WebSocket, /health and the page.
  std::string admin_host;   // "" = no admin listener
  uint16_t admin_port = 0;  // 0 with a host = pick a free port (tests)
  auth_options auth;        // WS_AUTH, WS_JWT_*, WS_PUBLIC_BALANCES

  // permessage-deflate (RFC 7692, issue 12): WS_COMPRESSION offers it to clients that ask (with
  // no context takeover both ways, so a compressed event is built once per shard and shared);
  // frames with a payload under WS_COMPRESSION_MIN_BYTES always go uncompressed.
  bool compression = true;
  std::size_t compression_min_bytes = 128;
  // zlib level of event frames (not a setting: levels 1-6 give the same bytes on event
  // envelopes, src/gateway/README.md).
  int compression_level = 1;

  std::size_t shard_inbox_frames = 65536;  // frames a shard may have pending before the
                                           // consumer pauses the bus (backpressure)
};

}  // namespace odin::gateway
