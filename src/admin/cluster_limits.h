#pragma once
// What the cluster does to a topic's retention, whatever the topic says: Redpanda raises a
// topic's segment.ms to its cluster property `log_segment_ms_min` (10 min by default) and
// deletes only closed segments, so a 30 s retention with a 10 min floor keeps records for
// about 10.5 minutes; both Redpanda (`log_compaction_interval_ms`) and Apache Kafka
// (`log.retention.check.interval.ms`, 5 min by default) apply retention only every so often.
// This file reads those values where the cluster tells them (Kafka DescribeConfigs on a broker
// resource; Redpanda's Admin API GET /v1/cluster_config, which DescribeConfigs does not cover)
// and turns them into warnings per topic. Pure functions apart from read_cluster_limits.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "admin/http_client.h"
#include "admin/kafka_admin.h"
#include "admin/topic_spec.h"

namespace odin::admin {

struct cluster_limits {
  std::optional<int64_t> segment_ms_min;      // Redpanda log_segment_ms_min
  std::optional<int64_t> retention_check_ms;  // how often retention is applied
  std::string retention_check_name;           // the property that says so
  std::vector<std::string> notes;             // what could not be read, and why
};

// One topic's retention as specified (create) or as the broker has it (describe).
struct topic_retention {
  std::string topic;
  int64_t retention_ms = -1;          // -1: unlimited
  std::optional<int64_t> segment_ms;  // unset: the cluster default
};

// Takes log.retention.check.interval.ms from a Kafka broker's configs (Redpanda does not list
// it). A broker-level error becomes a note.
void merge_broker_configs(cluster_limits& limits, const topic_configs& broker);

// Takes log_segment_ms_min and log_compaction_interval_ms from the JSON object Redpanda's
// Admin API answers to GET /v1/cluster_config; admin_errc::protocol if it is not one.
admin_result<bool> merge_admin_api(cluster_limits& limits, std::string_view json_body);

// "warning: retention 30 s of topic odin.trades cannot take effect while log_segment_ms_min
// is 10 min ..." — one line per topic and cause, empty when nothing defeats a retention.
std::vector<std::string> retention_warnings(const std::vector<topic_retention>& topics,
                                            const cluster_limits& limits);

std::vector<topic_retention> retentions_of(const std::vector<topic_spec>& specs);
std::optional<topic_retention> retention_from(const topic_configs& configs);

// Asks the broker `broker_id` (DescribeConfigs) and, when `admin_api` is set, Redpanda's
// Admin API. Never fails: what it cannot read becomes a note.
cluster_limits read_cluster_limits(kafka_admin& admin, int32_t broker_id,
                                   const std::optional<http_url>& admin_api);

// Writes the warnings, then the notes ("note: ..."), to `err`.
void print_retention_check(const std::vector<topic_retention>& topics, const cluster_limits& limits,
                           std::ostream& err);

// "30 s", "10 min", "1 h 10 min", "10 min 30 s".
std::string format_ms(int64_t ms);

}  // namespace odin::admin
