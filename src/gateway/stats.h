#pragma once
// Hot-path counters of the gateway. Each is written by ONE thread (its shard or the
// dispatcher) with a relaxed load + store — no locked instruction, no cache line shared with
// another writer — and read by the /metrics scrape on any thread (gateway_probe).
#include <array>
#include <atomic>
#include <cstdint>

#include "gateway/record_filter.h"
#include "http/status_slots.h"
#include "protocol/error_code.h"

namespace odin::gateway {

class local_counter {
 public:
  void add(uint64_t n = 1) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class local_gauge {
 public:
  void add(int64_t n) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void set(int64_t n) { v_.store(n, std::memory_order_relaxed); }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// Bus → socket latency. Buckets in seconds; the last (+Inf) is implicit.
class local_histogram {
 public:
  static constexpr std::array<double, 14> bounds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

  void observe_us(int64_t us) {
    if (us < 0) us = 0;
    const double seconds = static_cast<double>(us) / 1e6;
    std::size_t i = 0;
    while (i < bounds.size() && seconds > bounds[i]) ++i;
    buckets_[i].add();
    sum_us_.add(static_cast<uint64_t>(us));
  }
  // Non-cumulative count of bucket i (i == bounds.size() is +Inf).
  uint64_t bucket(std::size_t i) const { return buckets_[i].value(); }
  double sum_seconds() const { return static_cast<double>(sum_us_.value()) / 1e6; }

 private:
  std::array<local_counter, bounds.size() + 1> buckets_;
  local_counter sum_us_;
};

// Why an upgrade was refused (ws_connections_rejected_total{reason}). `unauthorized` is the
// identity check's 401 (upgrade_auth).
enum class refusal : uint8_t {
  limit,
  cpu,
  memory,
  bad_request,
  origin,
  per_ip_connections,
  per_ip_rate,
  unauthorized
};
inline constexpr std::size_t refusal_count = 8;
inline constexpr std::array<const char*, refusal_count> refusal_names = {
    "limit",       "cpu",         "memory", "bad_request", "origin", "per_ip_connections",
    "per_ip_rate", "unauthorized"};

// Paths of the gateway's HTTP answers (ws_http_requests_total{path}): known paths only.
enum class http_path : uint8_t { root, ws, health, ready, metrics, asset, other };
inline constexpr std::size_t http_path_count = 7;
inline constexpr std::array<const char*, http_path_count> http_path_names = {
    "/", "/ws", "/health", "/ready", "/metrics", "asset", "other"};
inline constexpr std::size_t client_error_count = 14;  // protocol::error_code values
static_assert(static_cast<std::size_t>(protocol::error_code::forbidden) + 1 == client_error_count);

// Written by one shard's thread.
struct alignas(64) shard_stats {
  local_counter connections_total;  // upgrades accepted
  local_gauge active_connections;
  std::array<local_counter, refusal_count> refused;
  local_counter messages_sent;        // frames written completely (events + replies)
  local_counter events_sent;          // of which event frames (deliveries)
  local_counter deferred_writes;      // session writes put off to the flush timer (coalesced)
  local_gauge flush_window_us;        // the shard's current coalescing window (flush_window.h)
  local_gauge flush_window_openings;  // times it left 0 (a counter kept by flush_window)
  local_counter bytes_sent;
  local_counter write_calls;  // sendmsg calls that wrote something
  local_counter slow_client_disconnects;
  local_counter conflated_events;  // queued events replaced by a newer one ("mode": "latest")
  local_gauge subscriptions;
  local_gauge outbound_queue_bytes;
  std::array<local_counter, client_error_count> client_errors;
  local_histogram delivery_latency;  // observed once per sendmsg: its oldest event frame
  // Recovery ("since") and snapshots.
  local_counter recoveries_recovered;  // since channels answered recovered: true
  local_counter recoveries_failed;     // ... recovered: false
  local_counter recoveries_invalid;    // requests refused with invalid_position
  local_counter replayed_memory;       // events replayed from the in-memory history
  local_counter replayed_bus;          // events replayed from the bus
  local_counter snapshots_sent;
  local_histogram recovery_latency;  // subscribe with since/snapshot → its reply and replay queued
  // HTTP answers by path and status (http::status_slot), 101 included.
  std::array<std::array<local_counter, http::status_slot_count>, http_path_count> http_answers;

  void count_error(protocol::error_code c) { client_errors[static_cast<std::size_t>(c)].add(); }
  void count_refusal(refusal r) { refused[static_cast<std::size_t>(r)].add(); }
  void count_answer(http_path p, int status) {
    http_answers[static_cast<std::size_t>(p)][http::status_slot(status)].add();
  }

  // permessage-deflate (RFC 7692): sessions that negotiated it, event frames compressed (once
  // per shard per frame), their bytes before (whole frame) and after, client messages inflated.
  local_counter deflate_connections;
  local_counter compressed_frames;
  local_counter compression_bytes_in;
  local_counter compression_bytes_out;
  local_counter inflated_messages;
};

// Written by the dispatcher thread.
struct alignas(64) dispatcher_stats {
  local_counter received;                                // records read from the bus
  std::array<local_counter, drop_reason_count> dropped;  // not delivered, by drop_reason
  local_counter broadcasts;  // records rendered and handed to every shard
  local_counter pauses;      // consumer.pause() calls
  local_gauge paused;        // 1 while paused
};

}  // namespace odin::gateway
