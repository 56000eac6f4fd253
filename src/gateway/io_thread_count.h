#pragma once
// How many I/O threads (shards) the gateway runs. WS_IO_THREADS=N uses N; 0 (auto) fits the
// CPUs the process may actually use: the CPUs of its affinity mask (taskset, cpuset) and the
// cgroup v2 CPU quota (`cpu.max`, Docker `cpus:`; the tightest of the cgroup and its ancestors),
// rounded down — a thread beyond the quota only gets throttled — and at least 1. Start-up only.
#include <optional>
#include <string>

namespace odin::gateway {

struct io_thread_plan {
  unsigned threads = 1;
  unsigned affinity_cpus = 1;
  std::optional<double> quota_cores;  // nullopt: no quota
  bool configured = false;            // WS_IO_THREADS set explicitly (not auto)

  // "io threads 1 (affinity 1 cpu, cgroup quota none)" / "... quota 1.50 cores)" /
  // "io threads 4 (WS_IO_THREADS=4; affinity 2 cpus, cgroup quota none)"
  std::string describe() const;
};

// Pure: the count for `configured` (0 = auto), the affinity CPUs and the quota.
io_thread_plan plan_io_threads(unsigned configured, unsigned affinity_cpus,
                               std::optional<double> quota_cores);

// The CPUs in this process's affinity mask (sched_getaffinity), at least 1.
unsigned affinity_cpu_count();

// Reads the affinity mask and the cgroup files (`cgroup_root`, `proc_self_cgroup`: options, so
// tests use fake files), then plans.
io_thread_plan resolve_io_threads(unsigned configured, const std::string& cgroup_root,
                                  const std::string& proc_self_cgroup);

}  // namespace odin::gateway
