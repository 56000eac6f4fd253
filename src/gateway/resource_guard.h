#pragma once
// The admission guard: refuse new WebSocket upgrades while this process is saturated (its own
// CPU share — utime+stime from /proc/self/stat over the wall time of the CPUs it may run on —
// above a threshold) or big (RSS from /proc/self/statm above a limit). The process's own share
// rather than the system's: a busy neighbour (a compiler, another service) must not make the
// gateway refuse clients it has the capacity to serve; the plan's Go server ran alone in its
// container, where the two were the same. sample() runs on a timer every options.guard_interval
// (shard 0's thread); check() is read by every shard on each upgrade.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>

namespace odin::gateway {

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

  resource_guard(double cpu_reject_threshold, uint64_t memory_limit_bytes);

  // Reads /proc (a failed read keeps the previous values). The first call sets the CPU
  // baseline; the CPU check applies from the second.
  void sample();
  // Feeds values directly (tests, and sample() itself).
  void update(std::optional<cpu_times> cpu, std::optional<uint64_t> rss_bytes);

  verdict check() const;
  double cpu() const { return cpu_percent_.load(std::memory_order_relaxed); }
  uint64_t rss_bytes() const { return rss_bytes_.load(std::memory_order_relaxed); }

 private:
  double cpu_threshold_;
  uint64_t memory_limit_;
  std::optional<cpu_times> last_;  // sampling thread only
  std::atomic<bool> cpu_known_{false};
  std::atomic<double> cpu_percent_{0.0};
  std::atomic<uint64_t> rss_bytes_{0};
};

}  // namespace odin::gateway
