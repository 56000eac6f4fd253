// `odin schemas register`: pushes the 23 event JSON Schemas and market_telemetry.avsc to a
// Confluent-compatible schema registry (Redpanda's built-in one on :8081).
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "admin/registry_client.h"
#include "admin/schema_commands.h"
#include "admin/schema_subjects.h"
#include "app/commands.h"
#include "app/serve.h"
#include "common/log.h"
#include "config/loader.h"
#include "config/value_parsers.h"

namespace odin::app {
namespace {

struct schemas_flags {
  std::string registry;
  std::string timeout = "10s";
  bool dry_run = false;
};

int run_register(const config::loader& cfg, const schemas_flags& flags) {
  config::settings s = load_settings(cfg);
  auto url = admin::parse_http_url(flags.registry);
  if (!url) throw config::config_error("--registry / SCHEMA_REGISTRY_URL " + url.error().message);
  std::chrono::milliseconds timeout;
  try {
    timeout = config::parse_duration(flags.timeout, std::chrono::milliseconds(100),
                                     std::chrono::minutes(10));
  } catch (const config::invalid_value& e) {
    throw config::config_error("--timeout \"" + flags.timeout + "\": " + e.what());
  }
  admin::registry_client client(std::move(url).value(), timeout);
  return admin::run_schemas_register(client, admin::odin_schema_subjects(s.kafka.topics),
                                     flags.dry_run, std::cout, std::cerr);
}

}  // namespace

command register_schemas(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "schemas", "The event schemas (schemas/*.json, schemas/market_telemetry.avsc).");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<schemas_flags>();
  CLI::App* reg = cmd->add_subcommand(
      "register",
      "Register every schema with a Confluent-compatible schema registry: subjects "
      "<topic>-<EVENT_TYPE> (JSON) and market-telemetry-value (AVRO). Reports per subject "
      "what changed; exit 0 when every subject holds its schema.");
  reg->add_option("--registry", flags->registry,
                  "registry base URL, http://host:port (Redpanda: http://localhost:8081)")
      ->envname("SCHEMA_REGISTRY_URL")
      ->required();
  reg->add_flag("--dry-run", flags->dry_run, "only look up: report what would change");
  reg->add_option("--timeout", flags->timeout, "timeout of each HTTP request (Go duration)")
      ->capture_default_str();
  auto cfg = std::make_shared<config::loader>(
      *reg, config::loader::kafka_group | config::loader::log_group, "text");
  return [cfg, flags] { return run_register(*cfg, *flags); };
}

}  // namespace odin::app
