#pragma once
// The gateway raises RLIMIT_NOFILE's soft limit to the hard limit at start and says so when
// even that is below WS_MAX_CONNECTIONS.
#include <cstdint>

#include "common/file_limit.h"

namespace odin::gateway {

// odin::raise_file_limit(), logged: info when the limit was raised, a warning when
// `connections` plus `reserve` (listeners, bus, logs ...) would not fit.
file_limit raise_file_limit_for(uint64_t connections, uint64_t reserve = 64);

}  // namespace odin::gateway
