// `odin topics create|list|describe`: docs/plan.md's eight topics and Phase 1's market-telemetry
// through the Kafka Admin API (KAFKA_BROKERS). deploy/setup-topics.sh does the same with rpk.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "admin/http_client.h"
#include "admin/kafka_admin.h"
#include "admin/topic_commands.h"
#include "app/commands.h"
#include "app/serve.h"
#include "common/log.h"
#include "config/loader.h"
#include "config/value_parsers.h"

namespace odin::app {
namespace {

struct topics_flags {
  std::string timeout = "15s";
  int replication_factor = 1;
  int partitions = admin::default_partitions;
  bool telemetry = true;
  std::vector<std::string> names;
  std::string admin_url;  // Redpanda Admin API, for the cluster's log_segment_ms_min
};

void add_admin_url(CLI::App* child, topics_flags& flags) {
  child
      ->add_option("--admin-url", flags.admin_url,
                   "Redpanda Admin API, http://host:9644: reads the cluster's log_segment_ms_min "
                   "and warns about retentions it defeats (optional)")
      ->envname("REDPANDA_ADMIN_URL");
}

std::optional<admin::http_url> admin_api(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto url = admin::parse_http_url(text);
  if (!url) throw config::config_error("--admin-url / REDPANDA_ADMIN_URL " + url.error().message);
  return std::move(url).value();
}

// One child subcommand with the Kafka + logging settings and --timeout.
std::shared_ptr<config::loader> add_child(CLI::App* child, topics_flags& flags) {
  child
      ->add_option("--timeout", flags.timeout,
                   "how long to wait for the brokers' answer to each request (Go duration)")
      ->capture_default_str();
  return std::make_shared<config::loader>(
      *child, config::loader::kafka_group | config::loader::log_group, "text");
}

std::chrono::milliseconds parse_timeout(const std::string& text) {
  try {
    return config::parse_duration(text, std::chrono::milliseconds(100), std::chrono::hours(1));
  } catch (const config::invalid_value& e) {
    throw config::config_error("--timeout \"" + text + "\": " + e.what());
  }
}

int run_child(const std::string& name, const config::loader& cfg, const topics_flags& flags) {
  config::settings s = load_settings(cfg);
  const std::optional<admin::http_url> api = admin_api(flags.admin_url);
  admin::kafka_admin admin(s.kafka, parse_timeout(flags.timeout));
  if (name == "create") {
    std::vector<admin::topic_spec> specs =
        admin::odin_topic_specs(s.kafka.topics, flags.replication_factor, flags.partitions);
    if (flags.telemetry) specs.push_back(admin::market_telemetry_spec(flags.replication_factor));
    return admin::run_topics_create(admin, specs, api, std::cout, std::cerr);
  }
  if (name == "list") return admin::run_topics_list(admin, s.kafka.topics, std::cout, std::cerr);
  return admin::run_topics_describe(admin, s.kafka.topics, flags.names, api, std::cout, std::cerr);
}

}  // namespace

command register_topics(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "topics",
      "Create, list and describe the Odin topics (the eight odin.* topics with the plan's "
      "retention, and market-telemetry) on Kafka/Redpanda (KAFKA_BROKERS).");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<topics_flags>();
  CLI::App* create = cmd->add_subcommand(
      "create",
      "Create the topics; an existing topic is reported and its configs compared with the "
      "spec. Exit 0 when every topic exists as specified.");
  create
      ->add_option("--replication-factor", flags->replication_factor,
                   "replicas per partition: 1 for a single-node dev cluster, 3 in production")
      ->capture_default_str()
      ->check(CLI::Range(1, 32767));
  create->add_option("--partitions", flags->partitions, "partitions of each odin.* topic")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  create->add_flag("--telemetry,!--no-telemetry", flags->telemetry,
                   "also create market-telemetry (12 partitions, 7-day retention; default on)");
  CLI::App* list = cmd->add_subcommand("list", "Every topic with partitions; * = Odin topic.");
  CLI::App* describe = cmd->add_subcommand(
      "describe", "Partitions, leaders, replicas, ISR and configs (default: the Odin topics).");
  describe->add_option("TOPIC", flags->names, "topics to describe");
  add_admin_url(create, *flags);
  add_admin_url(describe, *flags);
  std::vector<std::pair<CLI::App*, std::shared_ptr<config::loader>>> children;
  for (CLI::App* child : {create, list, describe})
    children.emplace_back(child, add_child(child, *flags));
  return [flags, children] {
    for (const auto& [child, cfg] : children) {
      if (child->parsed()) return run_child(child->get_name(), *cfg, *flags);
    }
    return 1;
  };
}

}  // namespace odin::app
