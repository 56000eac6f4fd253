// `odin dev`: embedded bus + event simulator + gateway in one process; zero setup.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "app/commands.h"
#include "app/serve.h"
#include "bus/memory_bus.h"
#include "common/log.h"
#include "config/loader.h"
#include "gateway/gateway.h"
#include "sim/simulator.h"

namespace odin::app {
namespace {

void print_banner(const config::settings& s, uint16_t port) {
  const std::string host = display_host(s.gateway.host);
  const std::string base = fmt::format("{}:{}", host, port);
  std::printf(
      "\nOdin Stream dev: embedded bus + simulator (%g events/s over %s) + gateway\n"
      "  WebSocket  ws://%s/ws\n"
      "  Metrics    http://%s/metrics    health: /health    ready: /ready\n\n"
      "Try it:\n"
      "  wscat -c ws://%s/ws\n"
      "  > {\"type\":\"subscribe\",\"bundle\":\"TRADING\",\"tokens\":[\"BTC\",\"ETH\"]}\n\n"
      "Ctrl-C stops.\n\n",
      s.sim.rate, fmt::format("{}", fmt::join(s.sim.tokens, ", ")).c_str(), base.c_str(),
      base.c_str(), base.c_str());
  std::fflush(stdout);
}

}  // namespace

command register_dev(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "dev",
      "Everything in one process, no setup: embedded in-memory bus, event simulator and "
      "WebSocket gateway (ws://127.0.0.1:3002/ws by default).");
  auto cfg = std::make_shared<config::loader>(
      *cmd,
      config::loader::gateway_group | config::loader::memory_group | config::loader::sim_group |
          config::loader::log_group,
      "text");
  return [cfg] {
    const auto env = config::process_environment();
    config::settings s = cfg->finish(&env);
    init_logging(s.log_level, s.log_format);
    log_warnings(s.warnings);
    bus::memory_bus bus(s.memory);
    auto consumer = bus.make_consumer();
    auto producer = bus.make_producer();
    auto registry = std::make_shared<prometheus::Registry>();
    gateway::gateway gw(s.gateway, *consumer, registry);
    gw.start();
    sim::simulator simulator(*producer, s.sim);
    if (auto started = simulator.start(); !started) {
      throw config::config_error(fmt::format("simulator: {}", sim::describe(started.error())));
    }
    print_banner(s, gw.port());
    return serve_until_signal("dev", [&] {
      simulator.stop();
      gw.stop();
    });
  };
}

}  // namespace odin::app
