#pragma once
// The gateway's metrics, read at scrape time from the shard-local and dispatcher-local
// counters (no shared counter is incremented on the fan-out path) and from the consumer's
// thread-safe queries. Names as in the migration plan (docs/plan.md) plus queue, latency and
// backpressure metrics; the README lists them.
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "bus/consumer.h"
#include "gateway/duplicate_window.h"
#include "gateway/stats.h"

namespace odin::gateway {

class gateway_probe : public prometheus::Collectable {
 public:
  gateway_probe(const bus::consumer& consumer, const dispatcher_stats& dispatcher,
                const duplicate_window& duplicates, std::vector<const shard_stats*> shards)
      : consumer_(consumer),
        dispatcher_(dispatcher),
        duplicates_(duplicates),
        shards_(std::move(shards)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  void collect_bus(std::vector<prometheus::MetricFamily>& out) const;
  void collect_health(std::vector<prometheus::MetricFamily>& out) const;
  void collect_ws(std::vector<prometheus::MetricFamily>& out) const;
  void collect_latency(std::vector<prometheus::MetricFamily>& out) const;
  void collect_compression(std::vector<prometheus::MetricFamily>& out) const;

  const bus::consumer& consumer_;
  const dispatcher_stats& dispatcher_;
  const duplicate_window& duplicates_;
  std::vector<const shard_stats*> shards_;
};

}  // namespace odin::gateway
