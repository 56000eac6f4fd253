#include "gateway/resource_guard.h"

#include <unistd.h>

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
  if (auto text = read_file("/proc/stat")) cpu = parse_proc_stat(*text);
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
