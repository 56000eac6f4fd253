#include "gateway/file_limit.h"

#include <sys/resource.h>

#include <spdlog/spdlog.h>

namespace odin::gateway {

file_limit raise_file_limit(uint64_t connections, uint64_t reserve) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return {};
  file_limit out{lim.rlim_cur, lim.rlim_cur};
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) == 0) out.after = lim.rlim_max;
  }
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
