#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>

#include "app/signals.h"
#include "common/log.h"
#include "config/config_error.h"
#include "config/kafka_security.h"
#include "config/loader.h"

namespace odin::app {

config::settings load_settings(const config::loader& cfg) {
  config::settings s = cfg.finish();
  init_logging(s.log_level, s.log_format);
  log_warnings(s.warnings);
  if (!s.kafka.extra.empty()) {
    spdlog::info("kafka client properties: {}", config::describe_kafka_properties(s.kafka.extra));
  }
  return s;
}

void log_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) spdlog::warn("{}", w);
}

int serve_until_signal(const std::string& what, const std::function<void()>& stop) {
  const int sig = wait_for_stop_signal();
  spdlog::info("{}: received {}, shutting down", what, sigabbrev_np(sig));
  const auto started = std::chrono::steady_clock::now();
  stop();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  spdlog::info("{}: stopped in {} ms", what, took.count());
  return 0;
}

void require_brokers(const std::string& brokers, const std::string& what) {
  if (!brokers.empty()) return;
  throw config::config_error(
      "KAFKA_BROKERS is not set: `odin " + what +
      "` talks to Kafka/Redpanda. Set KAFKA_BROKERS=host:port[,host:port...] (or --brokers), "
      "or run `odin dev` for the embedded bus on one machine.");
}

std::string display_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0" || host == "::") return "127.0.0.1";
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

}  // namespace odin::app
