#include "gateway/cgroup_limits.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>

namespace odin::gateway {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r'))
    s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

template <class T>
void keep_min(std::optional<T>& current, std::optional<T> candidate) {
  if (candidate && (!current || *candidate < *current)) current = candidate;
}

}  // namespace

std::optional<double> parse_cpu_max(std::string_view text) {
  text = trim(text);
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota = to_u64(text.substr(0, space));
  const auto period = to_u64(trim(text.substr(space + 1)));
  if (!quota || !period || *quota == 0 || *period == 0) return std::nullopt;
  return static_cast<double>(*quota) / static_cast<double>(*period);
}

std::optional<uint64_t> parse_memory_max(std::string_view text) {
  const auto v = to_u64(trim(text));
  if (!v || *v == 0) return std::nullopt;
  return v;
}

std::optional<std::string> parse_cgroup_v2_path(std::string_view text) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (line.starts_with("0::")) return std::string(trim(line.substr(3)));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return std::nullopt;
}

cgroup_limits read_cgroup_limits(const std::string& root, const std::string& proc_self_cgroup) {
  cgroup_limits out;
  const auto self = slurp(proc_self_cgroup);
  const auto path = self ? parse_cgroup_v2_path(*self) : std::nullopt;
  if (!path) return out;
  out.cgroup = *path;
  // From the process's cgroup up to the mount point; ".." never appears in these paths.
  std::string relative = *path;
  while (true) {
    const std::string dir = root + (relative == "/" ? "" : relative);
    if (auto cpu = slurp(dir + "/cpu.max")) keep_min(out.cpu_cores, parse_cpu_max(*cpu));
    if (auto mem = slurp(dir + "/memory.max")) keep_min(out.memory_bytes, parse_memory_max(*mem));
    if (relative.empty() || relative == "/") break;
    const auto slash = relative.rfind('/');
    relative = slash == 0 || slash == std::string::npos ? "/" : relative.substr(0, slash);
  }
  return out;
}

}  // namespace odin::gateway
