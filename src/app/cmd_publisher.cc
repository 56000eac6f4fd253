// `odin publisher`: validated HTTP ingest (POST /events), simulator control and stats, producing
// to Kafka/Redpanda with acks=all; on SIGTERM it flushes and reports what was not delivered.
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <memory>

#include "app/commands.h"
#include "app/serve.h"
#include "bus/kafka_producer.h"
#include "common/log.h"
#include "config/loader.h"
#include "publisher/metered_producer.h"
#include "publisher/server.h"
#include "sim/simulator.h"

namespace odin::app {

command register_publisher(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "publisher",
      "HTTP ingest for the backend: POST /events (validated against schemas/, answered once "
      "Kafka acknowledged), POST /control (simulator), GET /stats, /health, /metrics on PORT.");
  auto cfg = std::make_shared<config::loader>(
      *cmd, config::loader::publisher_group | config::loader::kafka_group |
                config::loader::sim_group | config::loader::log_group);
  return [cfg] {
    config::settings s = load_settings(*cfg);
    require_brokers(s.kafka.brokers, "publisher");
    bus::kafka_producer producer(s.kafka);
    auto registry = std::make_shared<prometheus::Registry>();
    publisher::metered_producer metered(producer, s.kafka.topics, registry);
    sim::simulator simulator(metered, s.sim);  // idle until POST /control starts it
    publisher::server server(s.publisher, metered, simulator, s.kafka.topics, registry);
    server.start();
    spdlog::info("publisher: http://{}:{} producing to {} (acks={})",
                 display_host(s.publisher.host), server.port(), s.kafka.brokers, s.kafka.acks);
    return serve_until_signal("publisher", [&] {
      simulator.stop();
      server.stop();
      const std::size_t left = producer.flush(std::chrono::seconds(10));
      if (left > 0) {
        spdlog::error("publisher: {} records were not acknowledged by Kafka before exit", left);
      } else {
        spdlog::info("publisher: every record was acknowledged");
      }
    });
  };
}

}  // namespace odin::app
