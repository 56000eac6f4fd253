#include "admin/topic_commands.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "admin/cluster_limits.h"
#include "admin/text_table.h"
#include "admin/topic_check.h"

namespace odin::admin {
namespace {

std::string join_ids(const std::vector<int32_t>& ids) {
  return fmt::format("{}", fmt::join(ids, ","));
}

void warn_replication(const cluster_info& cluster, const std::vector<topic_spec>& specs,
                      std::ostream& err) {
  for (const topic_spec& s : specs) {
    if (s.replication_factor > static_cast<int>(cluster.brokers.size())) {
      err << fmt::format(
          "warning: replication factor {} of {} is more than the {} broker(s) of the cluster; "
          "the broker will refuse it (use --replication-factor {} for a dev cluster)\n",
          s.replication_factor, s.name, cluster.brokers.size(), cluster.brokers.size());
      return;
    }
  }
}

struct create_tally {
  int created = 0, exists = 0, differ = 0, failed = 0;
};

// The RESULT cell of an existing topic; counts it as matching or differing.
std::string existing_result(const topic_spec& spec, const cluster_info& cluster,
                            const admin_result<std::vector<topic_configs>>& configs,
                            create_tally& tally) {
  const topic_configs* tc = nullptr;
  if (configs) {
    for (const topic_configs& c : configs.value()) {
      if (c.topic == spec.name) tc = &c;
    }
  }
  if (tc == nullptr || !tc->error.empty()) {
    ++tally.differ;
    return fmt::format("exists (configs not checked: {})",
                       tc != nullptr ? tc->error : "DescribeConfigs failed, see below");
  }
  const spec_check check = check_topic(spec, *tc, cluster.find(spec.name));
  std::string text = "exists";
  if (!check.differences.empty()) {
    ++tally.differ;
    text += fmt::format(" ({} config{} differ{}: {})", check.differences.size(),
                        check.differences.size() == 1 ? "" : "s",
                        check.differences.size() == 1 ? "s" : "",
                        describe_differences(check.differences));
  } else {
    ++tally.exists;
  }
  if (!check.not_reported.empty()) {
    text += fmt::format(" [not reported by the broker: {}]", fmt::join(check.not_reported, ", "));
  }
  return text;
}

void print_create_summary(const create_tally& t, std::size_t total, std::ostream& out) {
  out << fmt::format(
      "\n{} topics: {} created, {} already as specified, {} differ or unchecked, "
      "{} failed\n",
      total, t.created, t.exists, t.differ, t.failed);
  if (t.differ > 0) {
    out << "Differences are shown as `key broker-value \u2260 spec-value`. To apply the spec: "
           "rpk topic alter-config TOPIC --set key=value (deploy/setup-topics.sh does it for "
           "every topic); partitions can only grow (rpk topic add-partitions).\n";
  }
}

}  // namespace

int run_topics_create(kafka_admin& admin, const std::vector<topic_spec>& specs,
                      const std::optional<http_url>& admin_api, std::ostream& out,
                      std::ostream& err) {
  auto cluster = admin.metadata();
  if (!cluster) {
    err << "odin topics create: " << cluster.error().message << '\n';
    return 1;
  }
  warn_replication(cluster.value(), specs, err);
  auto results = admin.create_topics(specs);
  if (!results) {
    err << "odin topics create: " << results.error().message << '\n';
    return 1;
  }
  std::vector<std::string> existing;
  for (const create_result& r : results.value()) {
    if (r.status == create_status::exists) existing.push_back(r.topic);
  }
  admin_result<std::vector<topic_configs>> configs = std::vector<topic_configs>{};
  if (!existing.empty()) configs = admin.describe_configs(existing);
  const int code = print_create_results(specs, results.value(), cluster.value(), configs, out);
  if (!configs) err << "odin topics create: " << configs.error().message << '\n';
  if (!cluster.value().brokers.empty()) {
    const cluster_limits limits =
        read_cluster_limits(admin, cluster.value().brokers.front().id, admin_api);
    print_retention_check(retentions_of(specs), limits, err);
  }
  return code;
}

int print_create_results(const std::vector<topic_spec>& specs,
                         const std::vector<create_result>& results, const cluster_info& cluster,
                         const admin_result<std::vector<topic_configs>>& configs,
                         std::ostream& out) {
  create_tally tally;
  text_table table({"TOPIC", "PARTITIONS", "RF", "RESULT"});
  for (std::size_t i = 0; i < specs.size() && i < results.size(); ++i) {
    const topic_spec& spec = specs[i];
    const create_result& r = results[i];
    std::string result;
    if (r.status == create_status::created) {
      ++tally.created;
      result = "created";
    } else if (r.status == create_status::exists) {
      result = existing_result(spec, cluster, configs, tally);
    } else {
      ++tally.failed;
      result = "failed: " + r.error;
    }
    table.add({spec.name, std::to_string(spec.partitions), std::to_string(spec.replication_factor),
               result});
  }
  table.print(out);
  print_create_summary(tally, specs.size(), out);
  return tally.failed == 0 && tally.differ == 0 ? 0 : 1;
}

int run_topics_list(kafka_admin& admin, const model::topic_map& topics, std::ostream& out,
                    std::ostream& err) {
  auto cluster = admin.metadata();
  if (!cluster) {
    err << "odin topics list: " << cluster.error().message << '\n';
    return 1;
  }
  const std::vector<std::string> ours = odin_topic_names(topics);
  auto is_ours = [&](const std::string& name) {
    return std::find(ours.begin(), ours.end(), name) != ours.end();
  };
  text_table table({"TOPIC", "PARTITIONS", "RF", "ODIN"});
  for (const topic_info& t : cluster.value().topics) {
    table.add({t.name, std::to_string(t.partitions.size()), std::to_string(t.replication_factor()),
               is_ours(t.name) ? std::string("*") : t.error});
  }
  table.print(out);
  std::vector<std::string> missing;
  for (const std::string& name : ours) {
    if (cluster.value().find(name) == nullptr) missing.push_back(name);
  }
  out << fmt::format("\n{} topics on {} broker(s) at {}; * = an Odin topic\n",
                     cluster.value().topics.size(), cluster.value().brokers.size(),
                     admin.brokers());
  if (!missing.empty()) {
    out << fmt::format("missing Odin topics: {} (run `odin topics create`)\n",
                       fmt::join(missing, ", "));
  }
  return 0;
}

namespace {

void print_partitions(const topic_info& t, std::ostream& out) {
  out << fmt::format("{}: {} partitions, replication factor {}\n", t.name, t.partitions.size(),
                     t.replication_factor());
  const bool errors = std::any_of(t.partitions.begin(), t.partitions.end(),
                                  [](const partition_info& p) { return !p.error.empty(); });
  std::vector<std::string> headers = {"PARTITION", "LEADER", "REPLICAS", "ISR"};
  if (errors) headers.emplace_back("ERROR");
  text_table table(std::move(headers), "  ");
  for (const partition_info& p : t.partitions) {
    table.add({std::to_string(p.id), std::to_string(p.leader), join_ids(p.replicas),
               join_ids(p.isr), p.error});
  }
  table.print(out);
}

// Spec keys and every non-default config; returns whether the topic matches its spec.
bool print_configs(const topic_configs& tc, const std::optional<topic_spec>& spec,
                   const topic_info& meta, std::ostream& out) {
  if (!tc.error.empty()) {
    out << "  configs: " << tc.error << '\n';
    return false;
  }
  text_table table({"CONFIG", "VALUE", "SPEC"}, "  ");
  for (const auto& [key, entry] : tc.entries) {
    const bool in_spec = spec && spec->configs.count(key) != 0;
    if (!in_spec && entry.is_default) continue;
    std::string mark;
    if (in_spec) {
      const std::string& want = spec->configs.at(key);
      mark = entry.value == want ? "ok" : "\u2260 " + want;
    }
    table.add({key, entry.value + (entry.is_default ? " (default)" : ""), mark});
  }
  table.print(out);
  if (!spec) return true;
  const spec_check check = check_topic(*spec, tc, &meta);
  for (const std::string& key : check.not_reported) {
    out << fmt::format("  {}: not reported by the broker (spec {})\n", key, spec->configs.at(key));
  }
  if (!check.differences.empty()) {
    out << "  differs from the spec: " << describe_differences(check.differences) << '\n';
  }
  return check.differences.empty();
}

}  // namespace

bool print_topic_description(const topic_info& meta, const topic_configs* configs,
                             const std::optional<topic_spec>& spec, std::ostream& out) {
  print_partitions(meta, out);
  return configs != nullptr && print_configs(*configs, spec, meta, out);
}

int run_topics_describe(kafka_admin& admin, const model::topic_map& topics,
                        std::vector<std::string> names, const std::optional<http_url>& admin_api,
                        std::ostream& out, std::ostream& err) {
  if (names.empty()) names = odin_topic_names(topics);
  auto cluster = admin.metadata();
  if (!cluster) {
    err << "odin topics describe: " << cluster.error().message << '\n';
    return 1;
  }
  std::vector<std::string> found;
  int exit_code = 0;
  for (const std::string& name : names) {
    if (cluster.value().find(name) != nullptr) {
      found.push_back(name);
    } else {
      err << fmt::format("odin topics describe: topic {} does not exist\n", name);
      exit_code = 1;
    }
  }
  if (found.empty()) return 1;
  auto configs = admin.describe_configs(found);
  for (std::size_t i = 0; i < found.size(); ++i) {
    const topic_info& meta = *cluster.value().find(found[i]);
    if (i > 0) out << '\n';
    const topic_configs* tc = configs ? &configs.value()[i] : nullptr;
    if (!print_topic_description(meta, tc,
                                 expected_spec(topics, found[i], meta.replication_factor()), out)) {
      exit_code = 1;
    }
  }
  if (!configs) {
    err << "odin topics describe: " << configs.error().message << '\n';
    return 1;
  }
  std::vector<topic_retention> retentions;
  for (const topic_configs& tc : configs.value()) {
    if (auto r = retention_from(tc)) retentions.push_back(std::move(*r));
  }
  if (!cluster.value().brokers.empty()) {
    const cluster_limits limits =
        read_cluster_limits(admin, cluster.value().brokers.front().id, admin_api);
    print_retention_check(retentions, limits, err);
  }
  return exit_code;
}

}  // namespace odin::admin
