#pragma once
// CPU time and resident memory of processes, from /proc (Linux): utime + stime of
// /proc/<pid>/stat and VmRSS of /proc/<pid>/status.
#include <cstdint>
#include <optional>
#include <vector>

namespace odin::loadtest {

struct proc_sample {
  double cpu_seconds = 0;  // user + system, since the process started
  uint64_t rss_kb = 0;
};

std::optional<proc_sample> sample_process(int pid);
// The sum over `pids` (a pid that can't be read counts 0).
proc_sample sample_processes(const std::vector<int>& pids);

}  // namespace odin::loadtest
