#pragma once
// Rate limit for log lines that a misbehaving peer or bus could repeat without end (refusals,
// invalid records): at most one line per interval; the lines in between are counted and
// reported with the next one. Thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace odin::gateway {

class log_limiter {
 public:
  explicit log_limiter(std::chrono::milliseconds interval)
      : interval_ns_(interval.count() * 1000000) {}

  // The number of suppressed lines since the last allowed one, or nullopt: do not log.
  std::optional<uint64_t> allow() {
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    int64_t next = next_ns_.load(std::memory_order_relaxed);
    if (now < next ||
        !next_ns_.compare_exchange_strong(next, now + interval_ns_, std::memory_order_relaxed)) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return std::nullopt;
    }
    return suppressed_.exchange(0, std::memory_order_relaxed);
  }

 private:
  int64_t interval_ns_;
  std::atomic<int64_t> next_ns_{0};
  std::atomic<uint64_t> suppressed_{0};
};

}  // namespace odin::gateway
