#pragma once
// Adaptive write coalescing: how long a shard lets a session written recently gather more
// frames before its next sendmsg. A fixed window (WS_FLUSH_MODE=fixed) adds up to
// WS_FLUSH_INTERVAL of latency to every busy client even when the shard has CPU to spare;
// uWebSockets instead writes each socket once per loop turn and gets its batching from the
// turns growing under load. The adaptive window (the default) does the same while the shard
// keeps up, and opens only when it does not:
//
//   - the window is 0 (every dirty session is written at the end of its drain turn) while the
//     shard spends less than `grow_load` of its time in drain turns;
//   - each sample period (5 ms of the shard's clock) whose busy share is at least `grow_load`
//     doubles it (first step `min_window`), up to the maximum (WS_FLUSH_INTERVAL);
//   - each period below `shrink_load` halves it (below `min_window`: 0); an idle shard's next
//     turn halves it once per period that passed;
//   - a drain turn that ends with frames still waiting (cut by its limits: the shard is behind)
//     opens it to the maximum at once.
//
// Busy time is what on_turn() is told: the drain turns and flush-timer writes, measured on the
// shard's clock (options::clock, so tests drive it by hand). Shard thread only.
#include <chrono>
#include <cstdint>

namespace odin::gateway {

class flush_window {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::microseconds;

  static constexpr std::chrono::microseconds sample_period{5000};
  static constexpr std::chrono::microseconds min_window{50};
  static constexpr double grow_load = 0.95;
  static constexpr double shrink_load = 0.5;

  // `adaptive` false: the window is always `max` (WS_FLUSH_MODE=fixed).
  flush_window(duration max, bool adaptive, time_point now);

  // The shard was busy from `start` to `end`; `backlog`: the turn ended with frames waiting.
  void on_turn(time_point start, time_point end, bool backlog);

  duration current() const { return window_; }
  duration max() const { return max_; }
  bool adaptive() const { return adaptive_; }
  uint64_t openings() const { return openings_; }  // times the window left 0

 private:
  void end_period(time_point now);
  void set(duration w);

  duration max_;
  bool adaptive_;
  duration window_;
  time_point period_start_;
  std::chrono::nanoseconds busy_{0};
  uint64_t openings_ = 0;
};

}  // namespace odin::gateway
