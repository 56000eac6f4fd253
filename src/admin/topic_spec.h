#pragma once
// The topics Odin Stream needs, with the migration plan's per-topic settings (docs/plan.md,
// "Topics") and the Phase-1 `market-telemetry` topic. `odin topics create` and
// deploy/setup-topics.sh both apply exactly these; tests/admin pins every value.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "model/kind.h"
#include "model/topic_map.h"

namespace odin::admin {

struct topic_spec {
  std::string name;
  int partitions = 0;
  int replication_factor = 0;
  std::map<std::string, std::string> configs;  // broker-side topic configs, key → value
};

inline constexpr int default_partitions = 12;
inline constexpr const char* market_telemetry_topic = "market-telemetry";

// The plan's (docs/plan.md) retention of a kind's topic (trades 30 s ... metadata 1 h).
std::chrono::milliseconds retention_of(model::kind k);

// min.insync.replicas for a replication factor: 2 from RF 3 up (acks=all then survives one
// broker loss without losing an acknowledged record), else 1 (RF 1 or 2 could not write at all
// with 2 when a broker is down). See README.md.
int min_insync_replicas(int replication_factor);

// The eight topics of `topics` (KAFKA_TOPIC_* overrides applied), in model::all_kinds order:
// retention.ms per kind, segment.ms=10000, cleanup.policy=delete, compression.type=snappy,
// max.message.bytes=1048576, min.insync.replicas=min_insync_replicas(replication_factor).
std::vector<topic_spec> odin_topic_specs(const model::topic_map& topics, int replication_factor,
                                         int partitions = default_partitions);

// Phase 1: market-telemetry, 12 partitions, 7-day retention, cleanup.policy=delete.
topic_spec market_telemetry_spec(int replication_factor = 3);

// The spec named `name` in `specs`, or nullptr.
const topic_spec* find_spec(const std::vector<topic_spec>& specs, const std::string& name);

}  // namespace odin::admin
