#include "gateway/resource_guard.h"

#include <sched.h>
#include <unistd.h>

#include <chrono>

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

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

resource_guard::resource_guard(double cpu_reject_threshold, uint64_t memory_limit_bytes)
    : cpu_threshold_(cpu_reject_threshold), memory_limit_(memory_limit_bytes) {}

void resource_guard::sample() {
  std::optional<cpu_times> cpu;
  if (auto text = read_file("/proc/self/stat")) {
    if (auto used = parse_proc_pid_stat_cpu(*text)) {
      cpu_set_t set;
      const int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
      const double ticks_per_s = static_cast<double>(::sysconf(_SC_CLK_TCK));
      const double wall_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
              .count();
      cpu = cpu_times{*used, static_cast<uint64_t>(wall_s * ticks_per_s * std::max(cpus, 1))};
    }
  }
  std::optional<uint64_t> rss;
  if (auto text = read_file("/proc/self/statm")) {
    if (auto pages = parse_statm_resident_pages(*text)) {
      rss = *pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    }
  }
  update(cpu, rss);
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
