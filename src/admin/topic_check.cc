#include "admin/topic_check.h"

#include <fmt/format.h>

namespace odin::admin {

spec_check check_topic(const topic_spec& spec, const topic_configs& configs,
                       const topic_info* meta) {
  spec_check check;
  if (meta != nullptr) {
    const int partitions = static_cast<int>(meta->partitions.size());
    if (partitions != spec.partitions) {
      check.differences.push_back(
          {"partitions", std::to_string(partitions), std::to_string(spec.partitions)});
    }
    if (meta->replication_factor() != spec.replication_factor) {
      check.differences.push_back({"replication.factor", std::to_string(meta->replication_factor()),
                                   std::to_string(spec.replication_factor)});
    }
  }
  for (const auto& [key, expected] : spec.configs) {
    auto it = configs.entries.find(key);
    if (it == configs.entries.end()) {
      check.not_reported.push_back(key);
    } else if (it->second.value != expected) {
      check.differences.push_back({key, it->second.value, expected});
    }
  }
  return check;
}

std::string describe_differences(const std::vector<config_difference>& differences) {
  std::string text;
  for (const config_difference& d : differences) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {} \u2260 {}", d.key, d.actual, d.expected);
  }
  return text;
}

std::optional<topic_spec> expected_spec(const model::topic_map& topics, const std::string& topic,
                                        int replication_factor) {
  if (topic == market_telemetry_topic) return market_telemetry_spec(replication_factor);
  if (const auto kind = topics.kind_of_topic(topic)) {
    return odin_topic_specs(topics, replication_factor)[model::index(*kind)];
  }
  return std::nullopt;
}

std::vector<std::string> odin_topic_names(const model::topic_map& topics) {
  std::vector<std::string> names = topics.all_topics();
  names.emplace_back(market_telemetry_topic);
  return names;
}

}  // namespace odin::admin
