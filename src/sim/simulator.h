#pragma once
// Produces a weighted mix of synthetic events (sim/event_mix.h) for a set of tokens at a
// steady rate, through any bus::producer. One thread per running simulator.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bus/producer.h"
#include "common/result.h"
#include "model/event_type.h"
#include "sim/event_factory.h"
#include "sim/options.h"

namespace odin::sim {

enum class start_error : uint8_t {
  already_running,
  bad_rate,       // not in (0, max_rate]
  no_tokens,      // the token list is empty
  invalid_token,  // a token fails model::validate_token
};

std::string_view describe(start_error e);

struct stats {
  bool running = false;
  double rate = 0;          // target events/s of the current run (0 when stopped)
  std::size_t tokens = 0;   // tokens of the current / last run
  uint64_t produced = 0;    // produce() calls, all runs
  uint64_t delivered = 0;   // completions reporting success
  uint64_t failed = 0;      // completions reporting a bus_error
  uint64_t skipped = 0;     // events dropped from the schedule after falling > 1 s behind
  bool background = false;  // the thread runs below normal priority (sim/thread_priority.h)
};

class simulator {
 public:
  explicit simulator(bus::producer& producer, options defaults = {});
  ~simulator();  // stops
  simulator(const simulator&) = delete;
  simulator& operator=(const simulator&) = delete;

  // Starts producing `rate` events/s spread over `tokens` (empty: the configured ones).
  result<void, start_error> start(double rate, std::vector<std::string> tokens = {});
  result<void, start_error> start() { return start(defaults_.rate); }

  // Stops and joins the thread: no produce() call happens after it returns (completions
  // of records already produced may still arrive). False if it was not running.
  // Must not be called from a completion callback.
  bool stop();

  bool running() const { return running_.load(std::memory_order_acquire); }
  stats snapshot() const;
  const options& defaults() const { return defaults_; }

 private:
  struct counters {
    std::atomic<uint64_t> produced{0}, delivered{0}, failed{0}, skipped{0};
  };

  void run(double rate, std::vector<std::string> tokens, uint64_t seed);
  void emit(model::event_type type, const std::string& token, int64_t now_ms, rng& gen);

  bus::producer& producer_;
  const options defaults_;
  std::shared_ptr<counters> counters_ = std::make_shared<counters>();

  std::mutex control_mutex_;  // serialises start() / stop()
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> background_{false};
  std::atomic<double> rate_{0};
  std::atomic<std::size_t> tokens_{0};

  std::mutex wake_mutex_;  // with wake_, lets stop() interrupt the pacing sleep
  std::condition_variable wake_;
  std::atomic<bool> stop_requested_{false};
  std::string buffer_;  // the event being built (simulator thread only)
};

}  // namespace odin::sim
