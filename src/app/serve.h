#pragma once
// What every subcommand shares: load the settings and set up logging, and for the serving ones,
// run until SIGINT/SIGTERM, then stop in order.
#include <functional>
#include <string>
#include <vector>

namespace odin::config {
class loader;
struct settings;
}  // namespace odin::config

namespace odin::app {

// What every subcommand does first: defaults < .env < environment < flags (throws
// config_error on a bad value), then logging as configured, then the settings' warnings.
config::settings load_settings(const config::loader& cfg);

void log_warnings(const std::vector<std::string>& warnings);

// Blocks until a stop signal, logs it, runs `stop` and returns the exit code (0).
int serve_until_signal(const std::string& what, const std::function<void()>& stop);

// Throws config_error when KAFKA_BROKERS is empty: `what` needs Kafka; `odin dev` does not.
void require_brokers(const std::string& brokers, const std::string& what);

// "0.0.0.0" / "::" / "" become "127.0.0.1" for the URLs printed to the user.
std::string display_host(const std::string& host);

}  // namespace odin::app
