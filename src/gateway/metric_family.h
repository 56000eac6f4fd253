#pragma once
// Building blocks of the gateway's Prometheus collectables (probe.h, recovery_probe.h): a
// family appended to a Collect() answer, one sample in it, a counter summed over the shards.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include "gateway/stats.h"

namespace odin::gateway::metrics {

inline prometheus::MetricFamily& add_family(std::vector<prometheus::MetricFamily>& out,
                                            std::string name, std::string help,
                                            prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  out.push_back(std::move(f));
  return out.back();
}

inline void add_sample(prometheus::MetricFamily& f, double value,
                       std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  if (f.type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(std::move(m));
}

// Sum of get(shard_stats) over every shard (each read with relaxed atomics).
template <class Get>
double sum(const std::vector<const shard_stats*>& shards, Get get) {
  double total = 0;
  for (const shard_stats* s : shards) total += static_cast<double>(get(*s));
  return total;
}

// One histogram sample: the shards' `hist` buckets summed, cumulative, with +Inf last.
inline void add_histogram(prometheus::MetricFamily& f,
                          const std::vector<const shard_stats*>& shards,
                          const local_histogram shard_stats::*hist) {
  prometheus::ClientMetric m;
  uint64_t cumulative = 0;
  const auto& bounds = local_histogram::bounds;
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    for (const shard_stats* s : shards) cumulative += (s->*hist).bucket(i);
    const double upper = i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back({cumulative, upper});
  }
  m.histogram.sample_count = cumulative;
  for (const shard_stats* s : shards) m.histogram.sample_sum += (s->*hist).sum_seconds();
  f.metric.push_back(std::move(m));
}

}  // namespace odin::gateway::metrics
