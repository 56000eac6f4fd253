#pragma once
// What every shard, HTTP connection and session of one gateway share. Read-mostly: the
// options, the consumer (thread-safe queries only: ready()), the admission guard and counters.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "bus/consumer.h"
#include "gateway/history.h"
#include "gateway/log_limiter.h"
#include "gateway/options.h"
#include "gateway/resource_guard.h"
#include "gateway/stats.h"

namespace odin::gateway {

struct context {
  context(const options& o, bus::consumer& c)
      : opts(o), consumer(c), limits(resolve_guard_limits(o)), guard(limits) {}

  // Now on the flush-coalescing clock (options::clock; steady_clock unless a test injects one).
  std::chrono::steady_clock::time_point now() const {
    return opts.clock ? opts.clock() : std::chrono::steady_clock::now();
  }

  const options& opts;
  bus::consumer& consumer;
  const guard_limits limits;  // resolved at start (cgroup files read once)
  resource_guard guard;
  std::atomic<std::size_t> connections{0};  // WebSocket sessions admitted, every shard
  std::atomic<bool> stopping{false};
  std::function<std::string()> render_metrics;  // the /metrics body (Prometheus text)
  history hist{history_options{opts.history_size, opts.history_ttl, opts.history_max_bytes}};
  class recovery_worker* recovery = nullptr;  // bus recovery; null = history only
  // Refusals are logged at most once per guard_interval per reason.
  std::array<log_limiter, refusal_count> refusal_log{
      log_limiter{opts.guard_interval}, log_limiter{opts.guard_interval},
      log_limiter{opts.guard_interval}, log_limiter{opts.guard_interval}};
};

}  // namespace odin::gateway
