#include "sim/simulator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

#include <spdlog/spdlog.h>

#include "common/thread_name.h"
#include "model/channel.h"
#include "sim/event_factory.h"
#include "sim/event_mix.h"
#include "sim/thread_priority.h"

namespace odin::sim {
namespace {

using clock = std::chrono::steady_clock;
using seconds_d = std::chrono::duration<double>;

// Shortest sleep between bursts: above this rate events go out in bursts of rate * tick.
constexpr auto min_tick = std::chrono::milliseconds(1);
// Falling further behind than this (a blocked producer) skips the backlog instead of
// bursting it out at once.
constexpr double max_lag_seconds = 1.0;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view describe(start_error e) {
  switch (e) {
    case start_error::already_running:
      return "the simulator is already running";
    case start_error::bad_rate:
      return "the rate must be above 0 and at most 1000000 events/s";
    case start_error::no_tokens:
      return "the token list is empty";
    case start_error::invalid_token:
      return "a token is not 1..32 characters from A-Z a-z 0-9 _ -";
  }
  return "unknown";
}

simulator::simulator(bus::producer& producer, options defaults)
    : producer_(producer), defaults_(std::move(defaults)) {}

simulator::~simulator() {
  stop();
}

result<void, start_error> simulator::start(double rate, std::vector<std::string> tokens) {
  std::lock_guard lock(control_mutex_);
  if (running()) return start_error::already_running;
  if (!(rate > 0 && rate <= max_rate)) return start_error::bad_rate;
  if (tokens.empty()) tokens = defaults_.tokens;
  if (tokens.empty()) return start_error::no_tokens;
  for (const auto& t : tokens) {
    if (!model::validate_token(t)) return start_error::invalid_token;
  }
  const uint64_t seed = defaults_.seed != 0 ? defaults_.seed : std::random_device{}();
  rate_.store(rate);
  tokens_.store(tokens.size());
  stop_requested_.store(false);
  thread_ = std::thread([this, rate, seed, t = std::move(tokens)]() mutable {
    name_this_thread("odin-sim");
    run(rate, std::move(t), seed);
  });
  running_.store(true, std::memory_order_release);
  return success();
}

bool simulator::stop() {
  std::lock_guard lock(control_mutex_);
  if (!thread_.joinable()) return false;
  {
    std::lock_guard wake_lock(wake_mutex_);
    stop_requested_.store(true);
  }
  wake_.notify_all();
  thread_.join();
  rate_.store(0);
  running_.store(false, std::memory_order_release);
  return true;
}

stats simulator::snapshot() const {
  stats s;
  s.running = running();
  s.rate = rate_.load();
  s.tokens = tokens_.load();
  s.produced = counters_->produced.load();
  s.delivered = counters_->delivered.load();
  s.failed = counters_->failed.load();
  s.skipped = counters_->skipped.load();
  s.background = background_.load();
  return s;
}

void simulator::emit(model::event_type type, const std::string& token, int64_t ts, rng& gen) {
  buffer_.clear();
  append_event(buffer_, type, token, ts, gen, defaults_.users);
  counters_->produced.fetch_add(1, std::memory_order_relaxed);
  // The completion may run after this simulator is gone: it holds its own counters.
  producer_.produce(model::kind_of(type), token, buffer_,
                    [c = counters_](result<bus::delivery, bus::bus_error> r) {
                      (r ? c->delivered : c->failed).fetch_add(1, std::memory_order_relaxed);
                    });
}

// Absolute schedule: event k is due at start + k / rate. Each wake-up sends every event due
// by now (a burst above 1000 events/s), then sleeps until the next one is due, so timer
// jitter never accumulates into drift.
void simulator::run(double rate, std::vector<std::string> tokens, uint64_t seed) {
  const priority_outcome priority = lower_current_thread_priority();
  background_.store(priority.batch || priority.niced);
  if (static std::atomic<bool> logged{false}; !logged.exchange(true)) {
    spdlog::info("simulator: thread priority {} (yields to the gateway's I/O threads)",
                 priority.describe());
  }
  rng gen(seed);
  std::uniform_int_distribution<std::size_t> pick_token(0, tokens.size() - 1);
  const std::function<clock::time_point()> now_fn =
      defaults_.clock ? defaults_.clock : [] { return clock::now(); };
  auto start = now_fn();
  uint64_t sent = 0;
  while (!stop_requested_.load()) {
    const auto now = now_fn();
    const double elapsed = seconds_d(now - start).count();
    auto due = std::max(sent, static_cast<uint64_t>(std::floor(elapsed * rate)) + 1);
    if (static_cast<double>(due - sent) > std::max(1.0, rate * max_lag_seconds)) {
      counters_->skipped.fetch_add(due - sent - 1, std::memory_order_relaxed);
      start = now - std::chrono::duration_cast<clock::duration>(seconds_d(sent / rate));
      due = sent + 1;
    }
    const int64_t ts = now_ms();
    producer_.corked([&] {  // the tick's events wake the consumers once (bus/producer.h)
      for (; sent < due && !stop_requested_.load(std::memory_order_relaxed); ++sent) {
        emit(pick_event_type(gen), tokens[pick_token(gen)], ts, gen);
      }
    });
    const auto next = start + std::chrono::duration_cast<clock::duration>(seconds_d(sent / rate));
    std::unique_lock lock(wake_mutex_);
    // A relative wait, so that an injected clock paces too (it may not be steady_clock's).
    wake_.wait_for(lock, std::max<clock::duration>(next - now, min_tick),
                   [this] { return stop_requested_.load(); });
  }
}

}  // namespace odin::sim
