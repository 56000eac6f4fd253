#pragma once
// Drives one process's share of a run: a few I/O threads (io_worker), the ramp, the wait for
// every connection to be set up, the measurement window and the close. The caller decides
// when the window is (a single process right after setup; the worker pool the same wall-clock
// window for every process) and gets a report at the end.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "loadtest/io_worker.h"
#include "loadtest/latency_histogram.h"
#include "loadtest/options.h"
#include "loadtest/report.h"
#include "loadtest/subscription_plan.h"

namespace odin::loadtest {

struct live_sample {
  double elapsed_s = 0;
  uint64_t target = 0;
  uint64_t attempted = 0;
  uint64_t established = 0;
  uint64_t subscribed = 0;
  uint64_t failed = 0;
  uint64_t closed_by_server = 0;
  uint64_t events = 0;         // every event so far
  latency_histogram interval;  // latencies since the previous sample
};

int64_t wall_clock_us();

class engine {
 public:
  // Throws std::invalid_argument on a bad server URL or subscription.
  // `on_tick` is called about every 50 ms from the waiting thread (live output, pipes).
  engine(const options& o, std::function<void()> on_tick);
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // Ramps up at options.ramp_rate, then waits until every connection is subscribed, failed or
  // closed, at most options.setup_timeout_s after the ramp (the rest fail as "timeout").
  void setup();
  // Counts events that entered the bus in [start_us, end_us] (wall clock); returns at end_us.
  void measure(int64_t start_us, int64_t end_us);
  // Waits options.drain_s more for late events of the window.
  void drain();
  // Closes every connection (1000, waiting up to 3 s for the echoes), stops the threads, and
  // returns this process's report (no server usage; the runner adds it).
  report finish();

  live_sample sample();

 private:
  void wait_until(std::chrono::steady_clock::time_point deadline,
                  const std::function<bool()>& done);
  uint64_t total(std::atomic<uint64_t> live_counters::*field) const;
  // The reconnect scenario during the window (reconnect_plan.h).
  void run_reconnects(int64_t start_us, std::chrono::steady_clock::time_point deadline);

  options options_;
  subscription_plan plan_;
  std::function<void()> on_tick_;
  std::vector<std::unique_ptr<io_worker>> workers_;
  std::chrono::steady_clock::time_point started_;
  int64_t window_start_us_ = 0;
  int64_t window_end_us_ = 0;
  bool finished_ = false;
};

}  // namespace odin::loadtest
