#pragma once
// The limits a container runtime puts on this process through cgroup v2: the CPU quota
// (`cpu.max`: "QUOTA PERIOD" or "max PERIOD") and the memory limit (`memory.max`: bytes or
// "max"). The process's cgroup comes from /proc/self/cgroup ("0::/path"); the limits of that
// cgroup and of every ancestor up to the mount point apply, so the tightest one wins. Docker's
// `cpus: "2.0"` is `cpu.max` = "200000 100000"; `mem_limit` is `memory.max`. Both paths are
// parameters so tests can point at fake files. Start-up and the guard's own decisions only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace odin::gateway {

struct cgroup_limits {
  std::optional<double> cpu_cores;       // quota / period; nullopt: no quota anywhere
  std::optional<uint64_t> memory_bytes;  // nullopt: no limit anywhere
  std::string cgroup;                    // the v2 cgroup path read ("" when none: no v2)
};

// "150000 100000" → 1.5; "max 100000" (no quota) or malformed → nullopt.
std::optional<double> parse_cpu_max(std::string_view text);
// "1073741824" → that; "max" or malformed → nullopt.
std::optional<uint64_t> parse_memory_max(std::string_view text);
// The path of the "0::" line of /proc/self/cgroup (the v2 hierarchy); nullopt when none.
std::optional<std::string> parse_cgroup_v2_path(std::string_view proc_self_cgroup);

// Reads the limits under `root` (the cgroup2 mount, e.g. /sys/fs/cgroup) for the cgroup named
// in the file `proc_self_cgroup`. Missing files mean "no limit" (cgroup v1, or no controller).
cgroup_limits read_cgroup_limits(const std::string& root, const std::string& proc_self_cgroup);

}  // namespace odin::gateway
