#include "gateway/recovery_probe.h"

#include <limits>
#include <string>

#include <prometheus/client_metric.h>

#include "gateway/metric_family.h"

namespace odin::gateway {
namespace {

using metrics::add_family;
using metrics::add_sample;
using metrics::sum;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

}  // namespace

std::vector<MetricFamily> recovery_probe::Collect() const {
  std::vector<MetricFamily> out;
  constexpr auto counter = MetricType::Counter;
  constexpr auto gauge = MetricType::Gauge;
  auto& results = add_family(out, "ws_recoveries_total",
                             "since channels by outcome (invalid: requests refused)", counter);
  add_sample(results,
             sum(shards_, [](const shard_stats& s) { return s.recoveries_recovered.value(); }),
             {{"result", "recovered"}});
  add_sample(results,
             sum(shards_, [](const shard_stats& s) { return s.recoveries_failed.value(); }),
             {{"result", "not_recovered"}});
  add_sample(results,
             sum(shards_, [](const shard_stats& s) { return s.recoveries_invalid.value(); }),
             {{"result", "invalid"}});
  auto& replayed =
      add_family(out, "ws_replayed_events_total", "Events replayed, by source", counter);
  add_sample(replayed, sum(shards_, [](const shard_stats& s) { return s.replayed_memory.value(); }),
             {{"source", "memory"}});
  add_sample(replayed, sum(shards_, [](const shard_stats& s) { return s.replayed_bus.value(); }),
             {{"source", "bus"}});
  add_sample(add_family(out, "ws_snapshots_sent_total", "Snapshot frames sent", counter),
             sum(shards_, [](const shard_stats& s) { return s.snapshots_sent.value(); }));
  add_sample(
      add_family(out, "ws_history_bytes", "Memory held by the history (frames + overhead)", gauge),
      static_cast<double>(history_.bytes()));
  add_sample(add_family(out, "ws_history_events", "Frames held by the history", gauge),
             static_cast<double>(history_.frames()));
  add_sample(add_family(out, "ws_recovery_fetches_total",
                        "Bus scans by the recovery thread (one per partition per batch of clients)",
                        counter),
             worker_ != nullptr ? static_cast<double>(worker_->fetches()) : 0.0);

  auto& latency = add_family(out, "ws_recovery_latency_seconds",
                             "subscribe with since/snapshot until its reply and replay are queued",
                             MetricType::Histogram);
  metrics::add_histogram(latency, shards_, &shard_stats::recovery_latency);
  return out;
}

}  // namespace odin::gateway
