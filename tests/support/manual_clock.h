#pragma once
// A steady clock the test moves by hand: code under test reads it through the clock function
// it was given (gateway::options::clock, sim::options::clock), so timing decisions depend on
// what the test did, not on how busy the machine is. Thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

namespace odin::test {

class manual_clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  time_point now() const { return time_point(std::chrono::nanoseconds(ns_.load())); }
  void advance(std::chrono::nanoseconds d) { ns_.fetch_add(d.count()); }
  // For the options' clock field; the function refers to this clock, which must outlive it.
  std::function<time_point()> function() const {
    return [this] { return now(); };
  }

 private:
  // Far from zero: a default-constructed time_point ("never") is long ago on this clock.
  std::atomic<int64_t> ns_{int64_t{1'000'000} * 1'000'000'000};
};

}  // namespace odin::test
