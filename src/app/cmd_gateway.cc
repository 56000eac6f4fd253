// `odin gateway`: the WebSocket gateway consuming every partition of the 8 topics from Kafka.
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <memory>

#include "app/commands.h"
#include "app/serve.h"
#include "bus/kafka_consumer.h"
#include "bus/kafka_replayer.h"
#include "common/log.h"
#include "config/loader.h"
#include "gateway/gateway.h"

namespace odin::app {

command register_gateway(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "gateway",
      "WebSocket gateway: consumes all 8 topics from Kafka/Redpanda (KAFKA_BROKERS) and fans "
      "events out to subscribed clients. For a single machine without Kafka use `odin dev`.");
  auto cfg = std::make_shared<config::loader>(*cmd, config::loader::gateway_group |
                                                        config::loader::kafka_group |
                                                        config::loader::log_group);
  return [cfg] {
    config::settings s = load_settings(*cfg);
    require_brokers(s.kafka.brokers, "gateway");
    bus::kafka_consumer consumer(s.kafka);
    auto registry = std::make_shared<prometheus::Registry>();
    bus::kafka_replayer replayer(s.kafka);  // "since" beyond the history: read from Kafka
    gateway::gateway gw(s.gateway, consumer, registry);
    gw.set_replayer(replayer);
    gw.start();
    spdlog::info("gateway: consuming {} topics from {}; ws://{}:{}/ws", 8, s.kafka.brokers,
                 display_host(s.gateway.host), gw.port());
    return serve_until_signal("gateway", [&] { gw.stop(); });
  };
}

}  // namespace odin::app
