#pragma once
// Metrics of recovery ("since"), snapshots and the in-memory history, read at scrape time from
// the shard-local counters, the history and the recovery thread.
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "gateway/history.h"
#include "gateway/recovery_worker.h"
#include "gateway/stats.h"

namespace odin::gateway {

class recovery_probe : public prometheus::Collectable {
 public:
  recovery_probe(const history& hist, const recovery_worker* worker,
                 std::vector<const shard_stats*> shards)
      : history_(hist), worker_(worker), shards_(std::move(shards)) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const history& history_;
  const recovery_worker* worker_;  // null: no bus recovery
  std::vector<const shard_stats*> shards_;
};

}  // namespace odin::gateway
