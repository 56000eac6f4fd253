#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>

#include "app/signals.h"

namespace odin::app {

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

std::string display_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0" || host == "::") return "127.0.0.1";
  if (host.find(':') != std::string::npos) return "[" + host + "]";
  return host;
}

}  // namespace odin::app
