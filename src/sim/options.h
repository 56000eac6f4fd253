#pragma once
// Settings of the event simulator (filled by src/config: SIM_TOKENS, SIM_RATE, SIM_TOKEN_POOL).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace odin::sim {

struct options {
  std::vector<std::string> tokens = {"BTC", "ETH", "SOL", "ODIN", "DOGE"};  // SIM_TOKENS
  double rate = 25.0;  // SIM_RATE: events per second, (0, max_rate]
  uint64_t seed = 0;   // SIM_SEED: 0 = a fresh random seed per start
  // The pacing clock; not a setting: tests inject a manual clock and move it (the thread
  // re-reads it at least every millisecond of real time while waiting). Empty = steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

inline constexpr double max_rate = 1'000'000.0;

}  // namespace odin::sim
