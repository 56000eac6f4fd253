#pragma once
// Remembers the idempotency keys (the `odin-idempotency-key` Kafka header) of the records the
// gateway forwarded, per topic, for a time window, in bounded memory, so a record whose key
// was already forwarded within the window (a backend's HTTP retry that reached the bus twice,
// possibly through two publisher instances) is dropped instead of delivered again.
//
// Keys are opaque strings, compared per kind (topic). Eviction is oldest first: a key leaves
// when its window has passed, or earlier when max_keys are held (counted in evicted_early():
// the window was too small for the key rate, a later repeat of that key would be delivered).
// A key is not refreshed by its repeats: the window runs from its first sighting.
// Dispatcher thread only (size() and evicted_early() may be read from any thread).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include <boost/unordered/unordered_flat_set.hpp>

#include "gateway/subscription_index.h"
#include "model/kind.h"

namespace odin::gateway {

class duplicate_window {
 public:
  using clock = std::chrono::steady_clock;

  // window 0 disables deduplication (seen() is always false and remembers nothing).
  duplicate_window(std::chrono::milliseconds window, std::size_t max_keys);

  // True when `key` of `kind` was remembered within the window before `now`; otherwise
  // remembers it (at `now`) and returns false. An empty key is never a duplicate.
  bool seen(model::kind kind, std::string_view key, clock::time_point now);

  std::size_t size() const { return size_.load(std::memory_order_relaxed); }
  uint64_t evicted_early() const { return evicted_early_.load(std::memory_order_relaxed); }

 private:
  struct entry {
    std::string key;  // kind byte + key
    clock::time_point at;
  };
  void expire(clock::time_point now);
  void pop_oldest();

  const std::chrono::milliseconds window_;
  const std::size_t max_keys_;
  std::deque<entry> order_;                                                 // oldest first
  boost::unordered_flat_set<std::string, string_hash, string_equal> keys_;  // those in order_
  std::string scratch_;  // the composed key, reused
  std::atomic<std::size_t> size_{0};
  std::atomic<uint64_t> evicted_early_{0};
};

}  // namespace odin::gateway
