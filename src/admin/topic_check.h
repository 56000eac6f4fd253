#pragma once
// Comparing a topic as the broker has it with its spec: partitions, replication factor and
// every config key of the spec. Pure functions (tested without a broker).
#include <optional>
#include <string>
#include <vector>

#include "admin/kafka_admin.h"
#include "admin/topic_spec.h"
#include "model/topic_map.h"

namespace odin::admin {

struct config_difference {
  std::string key;  // a config key, or "partitions" / "replication.factor"
  std::string actual;
  std::string expected;
};

struct spec_check {
  std::vector<config_difference> differences;
  std::vector<std::string> not_reported;  // spec keys the broker did not list (not a difference)
};

// `meta` may be null (partitions and RF are then not compared).
spec_check check_topic(const topic_spec& spec, const topic_configs& configs,
                       const topic_info* meta);

// "retention.ms 60000 ≠ 30000, segment.ms 600000 ≠ 10000" (broker value ≠ spec value).
std::string describe_differences(const std::vector<config_difference>& differences);

// The spec an existing topic of the Odin set should match, given its replication factor
// (min.insync.replicas depends on it); nullopt for a topic that is not one of ours.
std::optional<topic_spec> expected_spec(const model::topic_map& topics, const std::string& topic,
                                        int replication_factor);

// The eight topics of `topics` followed by market-telemetry.
std::vector<std::string> odin_topic_names(const model::topic_map& topics);

}  // namespace odin::admin
