#pragma once
// What `odin topics create|list|describe` do, over a kafka_admin, writing readable tables to
// `out` and failures to `err`. Each returns the process exit code: 0 when everything asked
// for is as specified, 1 otherwise (a broker that does not answer, a failed topic, a config
// that differs from the spec).
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "admin/http_client.h"
#include "admin/kafka_admin.h"
#include "admin/topic_spec.h"
#include "model/topic_map.h"

namespace odin::admin {

// Creates every spec; an existing topic is reported ("exists") and its configs are compared
// with the spec, key by key. Then reads the cluster's limits (cluster_limits.h; Redpanda's Admin
// API at `admin_api` when set) and warns about every retention they defeat — a warning or a
// note on `err`, never a different exit code.
int run_topics_create(kafka_admin& admin, const std::vector<topic_spec>& specs,
                      const std::optional<http_url>& admin_api, std::ostream& out,
                      std::ostream& err);

// The table of `create` from the broker's answers (one result per spec; `configs` holds the
// DescribeConfigs answer for the topics that already existed). Returns the exit code.
int print_create_results(const std::vector<topic_spec>& specs,
                         const std::vector<create_result>& results, const cluster_info& cluster,
                         const admin_result<std::vector<topic_configs>>& configs,
                         std::ostream& out);

// Every topic of the cluster with its partition count and replication factor; the Odin topics
// (the eight of `topics` and market-telemetry) are marked, missing ones listed.
int run_topics_list(kafka_admin& admin, const model::topic_map& topics, std::ostream& out,
                    std::ostream& err);

// One topic of `describe`: partitions, then `configs` (null: not known) with the keys of `spec`
// (null: not an Odin topic) marked ok / ≠ spec value. Returns whether it matches the spec.
bool print_topic_description(const topic_info& meta, const topic_configs* configs,
                             const std::optional<topic_spec>& spec, std::ostream& out);

// Partitions (leader, replicas, ISR) and configs of each topic in `names` (empty = the Odin
// topics), with the spec keys that differ marked; then the retention check of create, against
// the retention.ms / segment.ms the broker reports.
int run_topics_describe(kafka_admin& admin, const model::topic_map& topics,
                        std::vector<std::string> names, const std::optional<http_url>& admin_api,
                        std::ostream& out, std::ostream& err);

}  // namespace odin::admin
