#include "admin/topic_spec.h"

#include <string_view>

namespace odin::admin {

std::chrono::milliseconds retention_of(model::kind k) {
  using std::chrono::milliseconds;
  switch (k) {
    case model::kind::trade:
      return milliseconds(30'000);  // 30 s
    case model::kind::liquidity:
      return milliseconds(60'000);  // 1 min
    case model::kind::metadata:
      return milliseconds(3'600'000);  // 1 h
    case model::kind::social:
      return milliseconds(3'600'000);  // 1 h
    case model::kind::community:
      return milliseconds(300'000);  // 5 min
    case model::kind::creation:
      return milliseconds(3'600'000);  // 1 h
    case model::kind::analytics:
      return milliseconds(300'000);  // 5 min
    case model::kind::balances:
      return milliseconds(30'000);  // 30 s
  }
  return milliseconds(30'000);
}

int min_insync_replicas(int replication_factor) {
  return replication_factor >= 3 ? 2 : 1;
}

std::vector<topic_spec> odin_topic_specs(const model::topic_map& topics, int replication_factor,
                                         int partitions) {
  std::vector<topic_spec> specs;
  specs.reserve(model::kind_count);
  for (model::kind k : model::all_kinds) {
    topic_spec spec;
    spec.name = topics.topic_of(k);
    spec.partitions = partitions;
    spec.replication_factor = replication_factor;
    spec.configs = {
        {"retention.ms", std::to_string(retention_of(k).count())},
        {"segment.ms", "10000"},
        {"cleanup.policy", "delete"},
        {"compression.type", "snappy"},
        {"max.message.bytes", "1048576"},
        {"min.insync.replicas", std::to_string(min_insync_replicas(replication_factor))},
    };
    specs.push_back(std::move(spec));
  }
  return specs;
}

topic_spec market_telemetry_spec(int replication_factor) {
  return topic_spec{market_telemetry_topic,
                    default_partitions,
                    replication_factor,
                    {{"retention.ms", "604800000"}, {"cleanup.policy", "delete"}}};
}

const topic_spec* find_spec(const std::vector<topic_spec>& specs, const std::string& name) {
  for (const topic_spec& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace odin::admin
