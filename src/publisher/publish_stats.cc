#include "publisher/publish_stats.h"

#include <cmath>
#include <ctime>

#include <fmt/format.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

namespace odin::publisher {
namespace {

using steady = std::chrono::steady_clock;

// A failing bus fails every record: one log line per this interval, with the count.
constexpr auto log_interval = std::chrono::seconds(5);

const prometheus::Histogram::BucketBoundaries latency_buckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
    0.1,    0.25,    0.5,    1,     2.5,    5,     10,   30};

}  // namespace

std::string iso8601(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms.count() % 1000);
}

std::string_view bus_error_code(bus::bus_error e) {
  switch (e) {
    case bus::bus_error::timed_out:
      return "timed_out";
    case bus::bus_error::queue_full:
      return "queue_full";
    case bus::bus_error::transport:
      return "transport";
    case bus::bus_error::unknown_topic:
      return "unknown_topic";
    case bus::bus_error::message_too_large:
      return "message_too_large";
    case bus::bus_error::closed:
      return "closed";
    case bus::bus_error::internal:
      return "internal";
  }
  return "internal";
}

publish_stats::publish_stats(const model::topic_map& topics,
                             std::shared_ptr<prometheus::Registry> registry)
    : topics_(topics),
      start_time_(std::chrono::system_clock::now()),
      start_steady_(steady::now()),
      registry_(std::move(registry)) {
  if (registry_ == nullptr) return;
  auto& published = prometheus::BuildCounter()
                        .Name("publisher_messages_published_total")
                        .Help("Events the bus acknowledged, by topic")
                        .Register(*registry_);
  auto& failed = prometheus::BuildCounter()
                     .Name("publisher_messages_failed_total")
                     .Help("Events the bus failed to take (the sender got an error), by topic")
                     .Register(*registry_);
  for (model::kind k : model::all_kinds) {
    published_metric_[model::index(k)] = &published.Add({{"topic", topics_.topic_of(k)}});
    failed_metric_[model::index(k)] = &failed.Add({{"topic", topics_.topic_of(k)}});
  }
  auto& refused = prometheus::BuildCounter()
                      .Name("publisher_requests_refused_total")
                      .Help(
                          "POST /events answered 503 at once, nothing enqueued, by reason "
                          "(bus_down: the producer is disconnected; queue_full: above "
                          "PUBLISHER_QUEUE_HIGH_WATERMARK)")
                      .Register(*registry_);
  refused_metric_[0] = &refused.Add({{"reason", "bus_down"}});
  refused_metric_[1] = &refused.Add({{"reason", "queue_full"}});
  latency_metric_ = &prometheus::BuildHistogram()
                         .Name("publisher_produce_latency_seconds")
                         .Help("From handing an event to the bus to its acknowledgement")
                         .Register(*registry_)
                         .Add({}, latency_buckets);
}

void publish_stats::published(model::kind kind, steady::duration latency) {
  published_total_.fetch_add(1, std::memory_order_relaxed);
  by_kind_[model::index(kind)].fetch_add(1, std::memory_order_relaxed);
  if (auto* c = published_metric_[model::index(kind)]) c->Increment();
  if (latency_metric_) latency_metric_->Observe(std::chrono::duration<double>(latency).count());
  count_rate(
      std::chrono::duration_cast<std::chrono::seconds>(steady::now() - start_steady_).count());
}

void publish_stats::failed(model::kind kind, bus::bus_error error) {
  failed_total_.fetch_add(1, std::memory_order_relaxed);
  error_count_.fetch_add(1, std::memory_order_relaxed);
  if (auto* c = failed_metric_[model::index(kind)]) c->Increment();
  const std::string& topic = topics_.topic_of(kind);
  std::string line = fmt::format("{} {}: {}", iso8601(std::chrono::system_clock::now()), topic,
                                 bus::describe(error));
  std::lock_guard lock(errors_mutex_);
  const auto now = steady::now();
  if (now - last_log_ >= log_interval) {
    spdlog::warn("publisher: an event for {} failed: {} ({} more failures since the last report)",
                 topic, bus::describe(error), unlogged_);
    last_log_ = now;
    unlogged_ = 0;
  } else {
    ++unlogged_;
  }
  errors_.push_back(std::move(line));
  if (errors_.size() > kept_errors) errors_.pop_front();
}

void publish_stats::refused(refusal why, std::size_t events) {
  refused_requests_.fetch_add(1, std::memory_order_relaxed);
  refused_events_.fetch_add(events, std::memory_order_relaxed);
  if (auto* c = refused_metric_[static_cast<std::size_t>(why)]) c->Increment();
}

std::vector<std::string> publish_stats::recent_errors() const {
  std::lock_guard lock(errors_mutex_);
  return {errors_.begin(), errors_.end()};
}

void publish_stats::count_rate(int64_t second) {
  std::lock_guard lock(rate_mutex_);
  second_bucket& b = buckets_[static_cast<std::size_t>(second) % buckets_.size()];
  if (b.second != second) b = {second, 0};
  ++b.count;
}

double publish_stats::messages_per_second() const {
  const double now = uptime_seconds();
  const auto current = static_cast<int64_t>(std::floor(now));
  const int64_t first = current - rate_window_seconds + 1;  // oldest second counted
  // The window: the last complete seconds plus the current partial one, never before start.
  const double span = std::min(now - static_cast<double>(first), now);
  if (span < 0.001) return 0;
  uint64_t sum = 0;
  {
    std::lock_guard lock(rate_mutex_);
    for (const second_bucket& b : buckets_) {
      if (b.second >= first && b.second <= current) sum += b.count;
    }
  }
  return static_cast<double>(sum) / span;
}

double publish_stats::uptime_seconds() const {
  return std::chrono::duration<double>(steady::now() - start_steady_).count();
}

}  // namespace odin::publisher
