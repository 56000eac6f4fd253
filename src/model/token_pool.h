#pragma once
// Synthetic token ids for benchmarks and load tests: SIM_TOKEN_POOL (the simulator's tokens)
// and `odin loadtest --token-pool` (the tokens clients subscribe to) name the same ones.
#include <cstddef>
#include <string>
#include <vector>

namespace odin::model {

// n token ids "T0001" ... "T<n>": at least four digits, numbered from 1.
std::vector<std::string> token_pool(std::size_t n);

}  // namespace odin::model
