#pragma once
// The subcommands of `odin`. Each register_* adds its subcommand (flags, help) to the app and
// returns the function that runs it after parsing; main only wires them together.
#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace odin::app {

using command = std::function<int()>;

command register_dev(CLI::App& app);
command register_gateway(CLI::App& app);
command register_publisher(CLI::App& app);
command register_topics(CLI::App& app);
command register_schemas(CLI::App& app);
command register_loadtest(CLI::App& app);
command register_verify(CLI::App& app);

}  // namespace odin::app
