#pragma once
// RLIMIT_NOFILE: every connection is a file descriptor. Shared by the gateway (which logs what
// it did against WS_MAX_CONNECTIONS) and the load tester (which says how many --workers).
#include <sys/resource.h>

#include <cstdint>

namespace odin {

struct file_limit {
  uint64_t before = 0;  // soft limit found
  uint64_t after = 0;   // soft limit now (the hard limit, unless raising failed)
};

// Raises the soft limit to the hard limit. {0, 0} when the limit cannot be read.
inline file_limit raise_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return {};
  file_limit out{lim.rlim_cur, lim.rlim_cur};
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) == 0) out.after = lim.rlim_max;
  }
  return out;
}

}  // namespace odin
