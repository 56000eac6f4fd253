#include "gateway/resource_guard.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

#include "gateway/cgroup_limits.h"

namespace odin::gateway {
namespace {

// Splits off the next space-separated field.
std::string_view next_field(std::string_view& text) {
  const auto start = text.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    text = {};
    return {};
  }
  text.remove_prefix(start);
  const auto end = text.find(' ');
  const std::string_view field = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  return field;
}

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}

}  // namespace

std::optional<cpu_times> parse_proc_stat(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  if (next_field(line) != "cpu") return std::nullopt;
  cpu_times t;
  int index = 0;
  for (std::string_view f = next_field(line); !f.empty(); f = next_field(line), ++index) {
    const auto v = to_u64(f);
    if (!v) return std::nullopt;
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already
    // counted in user/nice, so the last two are left out of the total.
    if (index >= 8) break;
    t.total += *v;
    if (index != 3 && index != 4) t.busy += *v;
  }
  if (index < 4) return std::nullopt;
  return t;
}

std::optional<uint64_t> parse_proc_pid_stat_cpu(std::string_view text) {
  // "pid (comm) state ppid ..." — comm may hold spaces and parentheses: skip to the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  text.remove_prefix(close + 1);
  // Fields after comm: state(3) ... utime(14) stime(15).
  std::string_view f;
  for (int i = 3; i <= 14; ++i) f = next_field(text);
  const auto utime = to_u64(f);
  const auto stime = to_u64(next_field(text));
  if (!utime || !stime) return std::nullopt;
  return *utime + *stime;
}

std::optional<uint64_t> parse_statm_resident_pages(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  next_field(text);  // size
  return to_u64(next_field(text));
}

double cpu_percent(const cpu_times& before, const cpu_times& after) {
  if (after.total <= before.total || after.busy < before.busy) return 0.0;
  const double busy = static_cast<double>(after.busy - before.busy);
  return 100.0 * busy / static_cast<double>(after.total - before.total);
}

namespace {
int affinity_cpus() {
  cpu_set_t set;
  return sched_getaffinity(0, sizeof set, &set) == 0 ? std::max(CPU_COUNT(&set), 1) : 1;
}
}  // namespace

guard_limits resolve_guard_limits(const options& o) {
  guard_limits l;
  l.cpu_threshold = o.cpu_reject_threshold;
  const cgroup_limits cg = read_cgroup_limits(o.cgroup_root, o.proc_self_cgroup);
  if (o.cpu_limit_cores > 0) {
    l.cpu_cores = o.cpu_limit_cores;
    l.cpu_source = "WS_CPU_LIMIT";
  } else if (cg.cpu_cores) {
    l.cpu_cores = std::min(*cg.cpu_cores, static_cast<double>(affinity_cpus()));
    l.cpu_source = "cgroup cpu.max";
  } else {
    l.cpu_source = "affinity mask";
  }
  if (o.memory_limit_bytes > 0) {
    l.memory_bytes = o.memory_limit_bytes;
    l.memory_source = "WS_MEMORY_LIMIT";
  } else if (cg.memory_bytes) {
    l.memory_bytes =
        static_cast<uint64_t>(static_cast<double>(*cg.memory_bytes) * cgroup_memory_share);
    l.memory_source = "90% of cgroup memory.max";
  } else {
    l.memory_bytes = default_memory_limit;
    l.memory_source = "default";
  }
  return l;
}

resource_guard::resource_guard(double cpu_reject_threshold, uint64_t memory_limit_bytes,
                               double cpu_cores)
    : cpu_threshold_(cpu_reject_threshold),
      memory_limit_(memory_limit_bytes),
      cpu_cores_(cpu_cores) {}

void resource_guard::sample() {
  std::optional<uint64_t> used;
  if (auto text = read_file("/proc/self/stat")) used = parse_proc_pid_stat_cpu(*text);
  std::optional<uint64_t> rss;
  if (auto text = read_file("/proc/self/statm")) {
    if (auto pages = parse_statm_resident_pages(*text)) {
      rss = *pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    }
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (used) return update_own(*used, wall_s, rss);
  update(std::nullopt, rss);
}

void resource_guard::update_own(uint64_t used_ticks, double wall_seconds,
                                std::optional<uint64_t> rss_bytes) {
  const double cores = cpu_cores_ > 0 ? cpu_cores_ : affinity_cpus();
  const double ticks_per_s = static_cast<double>(::sysconf(_SC_CLK_TCK));
  update(cpu_times{used_ticks, static_cast<uint64_t>(wall_seconds * ticks_per_s * cores)},
         rss_bytes);
}

void resource_guard::update(std::optional<cpu_times> cpu, std::optional<uint64_t> rss_bytes) {
  if (cpu) {
    if (last_) {
      cpu_percent_.store(cpu_percent(*last_, *cpu), std::memory_order_relaxed);
      cpu_known_.store(true, std::memory_order_relaxed);
    }
    last_ = cpu;
  }
  if (rss_bytes) rss_bytes_.store(*rss_bytes, std::memory_order_relaxed);
}

resource_guard::verdict resource_guard::check() const {
  if (cpu_known_.load(std::memory_order_relaxed) &&
      cpu_percent_.load(std::memory_order_relaxed) > cpu_threshold_) {
    return verdict::cpu;
  }
  if (rss_bytes_.load(std::memory_order_relaxed) > memory_limit_) return verdict::memory;
  return verdict::ok;
}

}  // namespace odin::gateway
