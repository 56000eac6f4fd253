#pragma once
// Every connection is a file descriptor: the gateway raises RLIMIT_NOFILE's soft limit to the
// hard limit at start and says so when even that is below WS_MAX_CONNECTIONS.
#include <cstdint>

namespace odin::gateway {

struct file_limit {
  uint64_t before = 0;  // soft limit found
  uint64_t after = 0;   // soft limit now (the hard limit, unless raising failed)
};

// Raises the soft limit to the hard limit and logs what happened: info when it was raised,
// a warning when `connections` plus `reserve` (listeners, bus, logs ...) would not fit.
file_limit raise_file_limit(uint64_t connections, uint64_t reserve = 64);

}  // namespace odin::gateway
