#pragma once
// What the publisher has published: the plan's (docs/plan.md) /stats counters (messagesPublished,
// messagesFailed, errors, byTopic, startTime, uptime, messagesPerSecond) and the Prometheus
// series publisher_messages_published_total{topic}, publisher_messages_failed_total{topic},
// publisher_produce_latency_seconds. Fed by metered_producer from the bus's completions.
// Thread-safe: completions arrive on the bus's threads while /stats reads.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bus/record.h"
#include "model/kind.h"
#include "model/topic_map.h"

namespace prometheus {
class Counter;
class Histogram;
class Registry;
}  // namespace prometheus

namespace odin::publisher {

// How many error lines /stats keeps (the newest).
inline constexpr std::size_t kept_errors = 10;
// messagesPerSecond is measured over this many recent seconds.
inline constexpr int64_t rate_window_seconds = 5;

class publish_stats {
 public:
  // `registry` may be null (no Prometheus series then). It is kept alive: completions may
  // count into it after everyone else let go of it.
  publish_stats(const model::topic_map& topics, std::shared_ptr<prometheus::Registry> registry);

  void published(model::kind kind, std::chrono::steady_clock::duration latency);
  void failed(model::kind kind, bus::bus_error error);
  // POST /events answered 503 before anything was enqueued (fail fast).
  enum class refusal : uint8_t { bus_down, queue_full };
  void refused(refusal why, std::size_t events);
  uint64_t requests_refused() const { return refused_requests_.load(); }
  uint64_t events_refused() const { return refused_events_.load(); }

  uint64_t messages_published() const { return published_total_.load(); }
  uint64_t messages_failed() const { return failed_total_.load(); }
  uint64_t published_to(model::kind k) const { return by_kind_[model::index(k)].load(); }
  uint64_t error_count() const { return error_count_.load(); }
  // The newest errors, oldest first: "2025-11-22T12:53:20.123Z odin.trades: <reason>".
  std::vector<std::string> recent_errors() const;
  // Publications per second over the last rate_window_seconds (less right after start).
  double messages_per_second() const;

  std::chrono::system_clock::time_point start_time() const { return start_time_; }
  double uptime_seconds() const;
  const model::topic_map& topics() const { return topics_; }

 private:
  struct second_bucket {
    int64_t second = -1;
    uint64_t count = 0;
  };

  void count_rate(int64_t second);

  const model::topic_map topics_;
  const std::chrono::system_clock::time_point start_time_;
  const std::chrono::steady_clock::time_point start_steady_;

  std::atomic<uint64_t> published_total_{0};
  std::atomic<uint64_t> failed_total_{0};
  std::atomic<uint64_t> error_count_{0};
  std::atomic<uint64_t> refused_requests_{0};
  std::atomic<uint64_t> refused_events_{0};
  std::array<std::atomic<uint64_t>, model::kind_count> by_kind_{};

  mutable std::mutex rate_mutex_;
  std::array<second_bucket, rate_window_seconds + 2> buckets_{};

  mutable std::mutex errors_mutex_;
  std::deque<std::string> errors_;
  std::chrono::steady_clock::time_point last_log_{};
  uint64_t unlogged_ = 0;

  std::shared_ptr<prometheus::Registry> registry_;  // owns the series below
  std::array<prometheus::Counter*, model::kind_count> published_metric_{};
  std::array<prometheus::Counter*, model::kind_count> failed_metric_{};
  prometheus::Histogram* latency_metric_ = nullptr;
  std::array<prometheus::Counter*, 2> refused_metric_{};  // by refusal
};

// "2025-11-22T12:53:20.123Z".
std::string iso8601(std::chrono::system_clock::time_point t);

// The snake_case name of a bus error in JSON answers ("timed_out" ...).
std::string_view bus_error_code(bus::bus_error e);

}  // namespace odin::publisher
