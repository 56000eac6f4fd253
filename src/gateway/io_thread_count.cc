#include "gateway/io_thread_count.h"

#include <fmt/format.h>
#include <sched.h>

#include <algorithm>
#include <cmath>

#include "gateway/cgroup_limits.h"

namespace odin::gateway {

std::string io_thread_plan::describe() const {
  const std::string quota =
      quota_cores ? fmt::format("quota {:.2f} cores", *quota_cores) : "quota none";
  const std::string basis = fmt::format("affinity {} cpu{}, cgroup {}", affinity_cpus,
                                        affinity_cpus == 1 ? "" : "s", quota);
  if (configured)
    return fmt::format("io threads {} (WS_IO_THREADS={}; {})", threads, threads, basis);
  return fmt::format("io threads {} ({})", threads, basis);
}

io_thread_plan plan_io_threads(unsigned configured, unsigned affinity_cpus,
                               std::optional<double> quota_cores) {
  io_thread_plan p;
  p.affinity_cpus = std::max(1u, affinity_cpus);
  p.quota_cores = quota_cores;
  p.configured = configured != 0;
  if (p.configured) {
    p.threads = configured;
    return p;
  }
  unsigned n = p.affinity_cpus;
  if (quota_cores && *quota_cores > 0) {
    const double whole = std::floor(*quota_cores + 1e-9);  // 2.0 cores: 2, 1.5: 1, 0.5: 1
    n = std::min(n, static_cast<unsigned>(std::max(1.0, std::min(whole, 1024.0))));
  }
  p.threads = std::max(1u, n);
  return p;
}

unsigned affinity_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return static_cast<unsigned>(std::max(CPU_COUNT(&set), 1));
}

io_thread_plan resolve_io_threads(unsigned configured, const std::string& cgroup_root,
                                  const std::string& proc_self_cgroup) {
  const cgroup_limits cg = read_cgroup_limits(cgroup_root, proc_self_cgroup);
  return plan_io_threads(configured, affinity_cpu_count(), cg.cpu_cores);
}

}  // namespace odin::gateway
