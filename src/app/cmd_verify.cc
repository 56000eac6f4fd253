// `odin verify`: Phase 1's latency verification against any Kafka/Redpanda cluster
// (KAFKA_BROKERS) — produce market-telemetry records (Avro, Confluent wire format) or JSON
// ones to any topic, consume them with an independent consumer, validate every record and
// judge P2C latency and throughput against the Phase-1 thresholds. Exit 0 PASS, 1 FAIL,
// 2 usage or connection error.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "admin/registry_client.h"
#include "app/commands.h"
#include "app/serve.h"
#include "config/loader.h"
#include "config/value_parsers.h"
#include "verify/registry_id.h"
#include "verify/report.h"
#include "verify/runner.h"

namespace odin::app {
namespace {

struct verify_flags {
  verify::options o;
  std::string format;  // "" = by topic
  double rate = -1;    // < 0: 1.1 × min throughput
  std::string duration = "20s";
  std::string drain = "5s";
  std::string timeout = "10s";
  std::string registry;
  std::string report;
  bool quiet = false;
};

void add_flags(CLI::App& cmd, verify_flags& f) {
  auto& o = f.o;
  cmd.add_option("--topic", o.topic, "topic to produce to and consume from (must exist)")
      ->capture_default_str();
  cmd.add_option("--format", f.format,
                 "avro (Confluent wire format, schemas/market_telemetry.avsc) or json; default: "
                 "avro for market-telemetry, json for any other topic")
      ->check(CLI::IsMember({"avro", "json"}));
  cmd.add_option("--rate", f.rate,
                 "target msg/s; 0 = flat out; default 1.1 × --min-throughput, so a cluster that "
                 "keeps up passes the throughput check with room")
      ->check(CLI::Range(0.0, 1e8));
  cmd.add_option("--duration", f.duration, "how long to produce (Go duration)")
      ->capture_default_str();
  cmd.add_option("--count", o.count, "produce this many records instead of --duration")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1'000'000'000}));
  cmd.add_option("--registry", f.registry,
                 "schema registry base URL (http://host:8081): the schema id is looked up under "
                 "<topic>-value; without it records carry --schema-id")
      ->envname("SCHEMA_REGISTRY_URL");
  cmd.add_option("--schema-id", o.schema_id, "schema id written without --registry")
      ->capture_default_str()
      ->check(CLI::Range(0, INT32_MAX));
  cmd.add_option("--max-avg-ms", o.limits.max_avg_ms, "PASS needs average P2C latency below this")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  cmd.add_option("--max-p99-ms", o.limits.max_p99_ms, "PASS needs p99 P2C latency below this")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  cmd.add_option("--min-throughput", o.limits.min_throughput,
                 "PASS needs at least this many msg/s sustained producer to consumer")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  cmd.add_option("--drain", f.drain, "after producing, wait this long at most for the last records")
      ->capture_default_str();
  cmd.add_option(
         "--timeout", f.timeout,
         "bound on metadata, offset lookups, the priming round trip and each registry request")
      ->capture_default_str();
  cmd.add_option("--symbols", o.symbols, "distinct record keys (VRFY-00…), spread over partitions")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd.add_option("--report", f.report, "also write the result as JSON to FILE");
  cmd.add_flag("--quiet", f.quiet, "no progress line per second");
}

std::chrono::milliseconds duration_flag(const char* name, const std::string& text,
                                        std::chrono::milliseconds lo,
                                        std::chrono::milliseconds hi) {
  try {
    return config::parse_duration(text, lo, hi);
  } catch (const config::invalid_value& e) {
    throw config::config_error(fmt::format("{} \"{}\": {}", name, text, e.what()));
  }
}

void check_topic(const verify_flags& f, const config::settings& s) {
  if (s.kafka.topics.kind_of_topic(f.o.topic)) {
    throw config::config_error(fmt::format(
        "--topic {} is one of Odin's event topics: gateways would deliver the test records to "
        "clients. Use market-telemetry or a scratch topic.",
        f.o.topic));
  }
}

// Fills in what depends on other flags; logs what was chosen.
verify::options finish_options(verify_flags& f, const config::settings& s) {
  using namespace std::chrono_literals;
  require_brokers(s.kafka.brokers, "verify");
  check_topic(f, s);
  verify::options o = f.o;
  o.format = f.format.empty() ? (o.topic == "market-telemetry" ? verify::payload_format::avro
                                                               : verify::payload_format::json)
                              : (f.format == "avro" ? verify::payload_format::avro
                                                    : verify::payload_format::json);
  o.rate =
      f.rate < 0 ? o.limits.min_throughput * 11 / 10 : f.rate;  // 110000, not 110000.00000000001
  o.duration = duration_flag("--duration", f.duration, 100ms, 24h);
  o.drain = duration_flag("--drain", f.drain, 0ms, 1h);
  o.timeout = duration_flag("--timeout", f.timeout, 100ms, 10min);
  if (!f.quiet) {
    o.on_progress = [start = std::chrono::steady_clock::now()](uint64_t produced,
                                                               uint64_t consumed) {
      const auto s = std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::steady_clock::now() - start);
      std::cerr << fmt::format("  {:>4} s: produced {}, consumed {}\n", s.count(), produced,
                               consumed);
    };
  }
  return o;
}

// The schema id and where it came from; exit-2 errors as config_error.
std::string resolve_schema_id(const verify_flags& f, verify::options& o) {
  if (o.format == verify::payload_format::json) return "JSON payloads, no schema id";
  if (f.registry.empty()) {
    return fmt::format("--schema-id, no registry consulted{}",
                       o.schema_id == 0 ? " (0: not a registered id)" : "");
  }
  auto url = admin::parse_http_url(f.registry);
  if (!url) throw config::config_error("--registry / SCHEMA_REGISTRY_URL " + url.error().message);
  admin::registry_client client(std::move(url).value(), o.timeout);
  auto id = verify::registered_schema_id(client, o.topic);
  if (!id) throw config::config_error(id.error().message);
  o.schema_id = id.value();
  return fmt::format("registry {}, subject {}", client.url().text, verify::value_subject(o.topic));
}

int run_verify_command(const config::loader& cfg, verify_flags& f) {
  config::settings s = load_settings(cfg);
  verify::options o = finish_options(f, s);
  const std::string id_source = resolve_schema_id(f, o);
  spdlog::info(
      "verify: {} → {} at {} for {}; schema id {} ({})", s.kafka.brokers, o.topic,
      o.rate > 0 ? fmt::format("{:g} msg/s", o.rate) : std::string("full speed"),
      o.count > 0 ? fmt::format("{} records", o.count) : fmt::format("{} ms", o.duration.count()),
      o.schema_id, id_source);
  auto outcome = verify::run_verify(s.kafka, o);
  if (!outcome) {
    std::cerr << "odin verify: " << outcome.error().message << "\n";
    return 2;
  }
  verify::run_result r = std::move(outcome).value();
  r.schema_id_source = id_source;
  const verify::verdict v = verify::judge(r, o.limits);
  verify::print_report(std::cout, r, v);
  if (!f.report.empty()) {
    std::ofstream file(f.report);
    file << verify::report_json(r, v, o.limits).dump(2) << "\n";
    if (!file) {
      std::cerr << "odin verify: cannot write " << f.report << "\n";
      return 2;
    }
  }
  return v.pass ? 0 : 1;
}

}  // namespace

command register_verify(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Phase 1 latency verification against Kafka/Redpanda (KAFKA_BROKERS): produce "
      "market-telemetry records (Avro) or JSON records to --topic, consume them with an "
      "independent consumer, validate every record, and report P2C latency avg/p50/p99/p99.9/max "
      "and msg/s. Exit 0 PASS, 1 FAIL, 2 usage or connection error.");
  auto flags = std::make_shared<verify_flags>();
  add_flags(*cmd, *flags);
  auto cfg = std::make_shared<config::loader>(
      *cmd, config::loader::kafka_group | config::loader::log_group, "text");
  return [cfg, flags] {
    // A run is short and owns nothing to clean up: let Ctrl-C end it at once.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    try {
      return run_verify_command(*cfg, *flags);
    } catch (const std::invalid_argument& e) {  // a Kafka property librdkafka refused
      std::cerr << "odin verify: " << e.what() << "\n";
      return 2;
    }
  };
}

}  // namespace odin::app
