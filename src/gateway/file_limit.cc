#include "gateway/file_limit.h"

#include <spdlog/spdlog.h>

namespace odin::gateway {

file_limit raise_file_limit_for(uint64_t connections, uint64_t reserve) {
  const file_limit out = raise_file_limit();
  if (out.after != out.before) {
    spdlog::info("gateway: open-file limit raised from {} to {}", out.before, out.after);
  }
  if (out.after < connections + reserve) {
    spdlog::warn(
        "gateway: open-file limit is {} (hard limit), below WS_MAX_CONNECTIONS {} + {} for the "
        "process itself: connections past about {} will fail (raise the hard limit, e.g. "
        "`ulimit -Hn` / systemd LimitNOFILE, or run more gateway processes)",
        out.after, connections, reserve, out.after > reserve ? out.after - reserve : 0);
  }
  return out;
}

}  // namespace odin::gateway
