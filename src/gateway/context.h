#pragma once
// What every shard, HTTP connection and session of one gateway share. Read-mostly: the
// options, the consumer (thread-safe queries only: ready()), the admission guard and counters.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "auth/jwt_verifier.h"

#include "bus/consumer.h"
#include "gateway/admission.h"
#include "gateway/history.h"
#include "gateway/log_limiter.h"
#include "gateway/options.h"
#include "gateway/resource_guard.h"
#include "gateway/stats.h"

namespace odin::gateway {

// The token verifier for WS_AUTH=optional|required (null when off). Throws
// std::invalid_argument when auth is on and no key is configured or a key file is bad.
std::unique_ptr<auth::jwt_verifier> make_verifier(const options& o);

struct context {
  context(const options& o, bus::consumer& c)
      : opts(o),
        consumer(c),
        limits(resolve_guard_limits(o)),
        guard(limits),
        origins(o.allowed_origins),
        per_ip(per_ip_options{o.max_connections_per_ip, o.upgrade_rate_per_ip,
                              o.upgrade_burst_per_ip, 65536 + o.max_connections}),
        verifier(make_verifier(o)) {}

  // Seconds since the epoch by the clock tokens are checked against (options.auth.clock).
  int64_t now_seconds() const;

  // Now on the flush-coalescing clock (options::clock; steady_clock unless a test injects one).
  std::chrono::steady_clock::time_point now() const {
    return opts.clock ? opts.clock() : std::chrono::steady_clock::now();
  }

  const options& opts;
  bus::consumer& consumer;
  const guard_limits limits;  // resolved at start (cgroup files read once)
  resource_guard guard;
  const origin_policy origins;  // WS_ALLOWED_ORIGINS
  per_ip_limits per_ip;         // WS_MAX_CONNECTIONS_PER_IP, WS_UPGRADE_RATE/BURST_PER_IP
  const std::unique_ptr<auth::jwt_verifier> verifier;  // null when options.auth.mode is off
  std::atomic<std::size_t> connections{0};             // WebSocket sessions admitted, every shard
  std::atomic<bool> stopping{false};
  std::function<std::string()> render_metrics;  // the /metrics body (Prometheus text)
  history hist{history_options{opts.history_size, opts.history_ttl, opts.history_max_bytes}};
  class recovery_worker* recovery = nullptr;  // bus recovery; null = history only
  // Refusals are logged at most once per guard_interval per reason.
  std::array<log_limiter, refusal_count> refusal_log =
      limiters(opts.guard_interval, std::make_index_sequence<refusal_count>{});

 private:
  template <std::size_t... I>
  static std::array<log_limiter, sizeof...(I)> limiters(std::chrono::milliseconds every,
                                                        std::index_sequence<I...>) {
    return {((void)I, log_limiter{every})...};
  }
};

}  // namespace odin::gateway
