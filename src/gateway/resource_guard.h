#pragma once
// The admission guard: refuse new WebSocket upgrades while this process is saturated (its own
// CPU share — utime+stime from /proc/self/stat over the wall time of the cores it may use: the
// cgroup v2 quota (`cpu.max`, a Docker `cpus:` limit) when one is set, WS_CPU_LIMIT when
// given, else the CPUs in its affinity mask — above a threshold) or big (RSS from
// /proc/self/statm above a limit: WS_MEMORY_LIMIT, else 90 % of the cgroup's memory.max). The
// process's own share rather than the system's: a busy neighbour (a compiler, another service) must
// not make the gateway refuse clients it has the capacity for; docs/plan.md's Go server ran alone
// in its container, where the two were the same. sample() runs on a timer every
// options.guard_interval (shard 0's thread); check() is read by every shard on each upgrade.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/options.h"

namespace odin::gateway {

// What the guard compares against, resolved once at start-up.
struct guard_limits {
  double cpu_threshold = 75.0;  // percent of cpu_cores
  double cpu_cores = 0;         // 0: the CPUs in the affinity mask, read at each sample
  uint64_t memory_bytes = 0;
  std::string cpu_source;     // "WS_CPU_LIMIT", "cgroup cpu.max", "affinity mask"
  std::string memory_source;  // "WS_MEMORY_LIMIT", "cgroup memory.max", "default"
};

// Explicit settings first (cpu_limit_cores, memory_limit_bytes), then the cgroup v2 limits under
// o.cgroup_root (a CPU quota counts at most the affinity mask's CPUs), then the defaults.
guard_limits resolve_guard_limits(const options& o);
inline constexpr uint64_t default_memory_limit = 15569256448;  // 14.5 GiB, the plan's
inline constexpr double cgroup_memory_share = 0.9;  // of memory.max: refuse before the OOM killer

struct cpu_times {
  uint64_t busy = 0;   // CPU time used (clock ticks)
  uint64_t total = 0;  // CPU time available (clock ticks)
};

// The aggregate "cpu" line of /proc/stat (system-wide; kept for diagnostics and tests).
std::optional<cpu_times> parse_proc_stat(std::string_view text);
// utime + stime (clock ticks) from a /proc/<pid>/stat line.
std::optional<uint64_t> parse_proc_pid_stat_cpu(std::string_view text);
// Resident pages: the second field of /proc/self/statm.
std::optional<uint64_t> parse_statm_resident_pages(std::string_view text);
// Busy share between two samples, in percent (0 when no time passed).
double cpu_percent(const cpu_times& before, const cpu_times& after);

class resource_guard {
 public:
  enum class verdict : uint8_t { ok, cpu, memory };

  // cpu_cores 0: the CPUs of the affinity mask.
  resource_guard(double cpu_reject_threshold, uint64_t memory_limit_bytes, double cpu_cores = 0);
  explicit resource_guard(const guard_limits& l)
      : resource_guard(l.cpu_threshold, l.memory_bytes, l.cpu_cores) {}

  // Reads /proc (a failed read keeps the previous values). The first call sets the CPU
  // baseline; the CPU check applies from the second.
  void sample();
  // This process's CPU time used (clock ticks) at a steady-clock time (seconds): the share is
  // measured against the guard's cores (sample() itself, and tests).
  void update_own(uint64_t used_ticks, double wall_seconds, std::optional<uint64_t> rss_bytes);
  // Feeds values directly (tests, and update_own()).
  void update(std::optional<cpu_times> cpu, std::optional<uint64_t> rss_bytes);

  verdict check() const;
  double cpu() const { return cpu_percent_.load(std::memory_order_relaxed); }
  uint64_t rss_bytes() const { return rss_bytes_.load(std::memory_order_relaxed); }

 private:
  double cpu_threshold_;
  uint64_t memory_limit_;
  double cpu_cores_;
  std::optional<cpu_times> last_;  // sampling thread only
  std::atomic<bool> cpu_known_{false};
  std::atomic<double> cpu_percent_{0.0};
  std::atomic<uint64_t> rss_bytes_{0};
};

}  // namespace odin::gateway
