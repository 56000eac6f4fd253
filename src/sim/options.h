#pragma once
// Settings of the event simulator (filled by src/config: SIM_TOKENS, SIM_RATE, SIM_TOKEN_POOL).
#include <cstdint>
#include <string>
#include <vector>

namespace odin::sim {

struct options {
  std::vector<std::string> tokens = {"BTC", "ETH", "SOL", "ODIN", "DOGE"};  // SIM_TOKENS
  double rate = 25.0;  // SIM_RATE: events per second, (0, max_rate]
  uint64_t seed = 0;   // SIM_SEED: 0 = a fresh random seed per start
};

inline constexpr double max_rate = 1'000'000.0;

}  // namespace odin::sim
