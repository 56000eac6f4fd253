// odin — one binary, one subcommand per role (like rpk or nats). main only wires parts together.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include "app/commands.h"
#include "app/signals.h"
#include "config/config_error.h"

int main(int argc, char** argv) {
  odin::app::block_stop_signals();
  CLI::App app{
      "odin — real-time market-data fan-out: token events from a bus to WebSocket clients.\n"
      "Settings: defaults < .env < environment < flags; each flag names its variable."};
  app.require_subcommand(1);
  std::map<CLI::App*, odin::app::command> commands;
  auto add = [&](odin::app::command (*reg)(CLI::App&)) {
    const std::size_t before = app.get_subcommands({}).size();
    odin::app::command run = reg(app);
    commands[app.get_subcommands({}).at(before)] = std::move(run);
  };
  add(&odin::app::register_dev);
  add(&odin::app::register_gateway);
  add(&odin::app::register_publisher);
  add(&odin::app::register_topics);
  add(&odin::app::register_schemas);
  add(&odin::app::register_loadtest);
  add(&odin::app::register_verify);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is 0; a usage error is 2, as a bad setting
  }
  try {
    for (auto& [sub, run] : commands) {
      if (sub->parsed()) return run();
    }
  } catch (const odin::config::config_error& e) {
    std::fprintf(stderr, "odin: configuration error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "odin: %s\n", e.what());
    return 1;
  }
  return 1;
}
