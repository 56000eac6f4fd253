#pragma once
// Settings of the event simulator (filled by src/config: SIM_TOKENS, SIM_RATE, SIM_TOKEN_POOL,
// SIM_SEED, SIM_USERS).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace odin::sim {

inline constexpr double max_rate = 1'000'000.0;
inline constexpr int64_t default_users = 999;  // the plan's generator: user1..user999
inline constexpr int64_t max_users = 100'000'000;

struct options {
  std::vector<std::string> tokens = {"BTC", "ETH", "SOL", "ODIN", "DOGE"};  // SIM_TOKENS
  double rate = 25.0;  // SIM_RATE: events per second, (0, max_rate]
  uint64_t seed = 0;   // SIM_SEED: 0 = a fresh random seed per start
  // SIM_USERS: user ids in payloads are user1 .. user<users> (event_factory.h); the default
  // is the plan's user1..user999.
  int64_t users = default_users;
  // The pacing clock; not a setting: tests inject a manual clock and move it (the thread
  // re-reads it at least every millisecond of real time while waiting). Empty = steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

}  // namespace odin::sim
