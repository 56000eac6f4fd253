// `odin dev`: embedded bus + event simulator + gateway in one process; zero setup.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/serve.h"
#include "bus/memory_bus.h"
#include "bus/memory_replayer.h"
#include "common/log.h"
#include "config/loader.h"
#include "gateway/gateway.h"
#include "publisher/metered_producer.h"
#include "publisher/server.h"
#include "sim/simulator.h"

namespace odin::app {
namespace {

// The live page's URL; tokens other than the simulator's defaults go in its query (at most 12,
// the tiles a screen shows).
std::string page_url(const std::string& ws, const std::vector<std::string>& tokens) {
  if (tokens == sim::options{}.tokens) return fmt::format("http://{}/", ws);
  const auto shown = std::min<std::size_t>(tokens.size(), 12);
  return fmt::format("http://{}/?tokens={}", ws,
                     fmt::join(tokens.begin(), tokens.begin() + static_cast<long>(shown), ","));
}

void print_banner(const config::settings& s, uint16_t ws_port, uint16_t http_port) {
  const std::string ws = fmt::format("{}:{}", display_host(s.gateway.host), ws_port);
  const std::string pub = fmt::format("{}:{}", display_host(s.publisher.host), http_port);
  const std::string text = fmt::format(
      "\nOdin Stream dev: embedded bus + simulator ({} events/s over {}) + publisher + gateway\n"
      "  Live page  {}\n"
      "  WebSocket  ws://{}/ws\n"
      "  Gateway    http://{}/metrics    /health    /ready\n"
      "  Publisher  http://{}/events (POST)    /control (POST)    /stats    /metrics\n\n"
      "Try it:\n"
      "  wscat -c ws://{}/ws\n"
      "  > {{\"type\":\"subscribe\",\"bundle\":\"TRADING\",\"tokens\":[\"BTC\",\"ETH\"]}}\n"
      "  curl -X POST http://{}/events -H 'Content-Type: application/json' \\\n"
      "    -d '{{\"type\":\"TRADE_EXECUTED\",\"tokenId\":\"BTC\",\"data\":{{\"price\":101.5,"
      "\"volume\":3,\"side\":\"buy\",\"amount\":1}}}}'\n\n"
      "Ctrl-C stops.\n\n",
      s.sim.rate, fmt::join(s.sim.tokens, ", "), page_url(ws, s.sim.tokens), ws, ws, pub, ws, pub);
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

command register_dev(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "dev",
      "Everything in one process, no setup: embedded in-memory bus, event simulator, publisher "
      "HTTP API (PORT, 3003) and WebSocket gateway (ws://127.0.0.1:3002/ws by default).");
  auto cfg = std::make_shared<config::loader>(
      *cmd,
      config::loader::gateway_group | config::loader::memory_group | config::loader::sim_group |
          config::loader::log_group | config::loader::publisher_group,
      "text");
  return [cfg] {
    config::settings s = load_settings(*cfg);
    bus::memory_bus bus(s.memory);
    auto consumer = bus.make_consumer();
    auto producer = bus.make_producer();
    auto registry = std::make_shared<prometheus::Registry>();
    // The simulator and POST /events share one metered producer: /stats counts both.
    publisher::metered_producer metered(*producer, s.kafka.topics, registry);
    bus::memory_replayer replayer(bus);  // "since" beyond the history: the in-memory logs
    gateway::gateway gw(s.gateway, *consumer, registry);
    gw.set_replayer(replayer);
    gw.start();
    sim::simulator simulator(metered, s.sim);
    s.publisher.background_priority = true;  // the fan-out thread first (publisher/options.h)
    publisher::server http(s.publisher, metered, simulator, s.kafka.topics, registry);
    http.start();
    if (auto started = simulator.start(); !started) {
      throw config::config_error(fmt::format("simulator: {}", sim::describe(started.error())));
    }
    print_banner(s, gw.port(), http.port());
    return serve_until_signal("dev", [&] {
      simulator.stop();
      http.stop();
      gw.stop();
    });
  };
}

}  // namespace odin::app
