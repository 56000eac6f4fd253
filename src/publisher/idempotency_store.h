#pragma once
// Idempotency keys of POST /events (the Idempotency-Key header, and per-event "eventId"s):
// which keys were seen in the last `window`, whether their request is still in flight, and
// the outcome to replay. Bounded: at most `max_keys` entries (the least recently used goes
// first) and none older than `window` (first seen). Per publisher instance, in memory.
// Metrics: publisher_idempotency_keys (entries now), publisher_idempotency_repeats_total
// {result="replayed"|"in_flight"}, publisher_idempotency_evictions_total.
// Thread-safe: claims come from I/O threads, completions from the bus's threads.
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "publisher/publish_batch.h"

namespace prometheus {
class Counter;
class Gauge;
class Registry;
}  // namespace prometheus

namespace odin::publisher {

// What is remembered of a key: the answer of a request, or the outcome of one event.
struct remembered {
  int status = 0;        // request keys: the first answer's status
  std::string body;      // request keys: the first answer's body
  record_outcome event;  // event ids: what became of the event
};

class idempotency_store {
 public:
  using clock = std::chrono::steady_clock;
  using clock_fn = std::function<clock::time_point()>;

  // `registry` may be null; it is kept alive (late completions may still count into it).
  // `now` is injectable for tests.
  idempotency_store(std::chrono::milliseconds window, std::size_t max_keys,
                    std::shared_ptr<prometheus::Registry> registry, clock_fn now = &clock::now);

  enum class seen : uint8_t { fresh, in_flight, done };
  struct lookup {
    seen state = seen::fresh;
    remembered first;  // done: what to replay
  };

  // A fresh key is claimed (in flight from now on); a known one is reported, and counted.
  lookup claim(const std::string& key);
  // Whether `key` is known, without claiming it.
  seen peek(const std::string& key);
  // The claimed request finished: remember its outcome for the rest of the window.
  void complete(const std::string& key, remembered outcome);
  // Forgets a key (a claim that published nothing, or whose events all failed: a retry
  // under the same key must publish).
  void release(const std::string& key);

  std::size_t size() const;

 private:
  struct entry {
    std::string key;
    clock::time_point first_seen;
    bool done = false;
    remembered outcome;
  };
  using list = std::list<entry>;

  void expire_and_bound(clock::time_point now);  // with mutex_ held
  void erase(list::iterator it);                 // with mutex_ held

  const std::chrono::milliseconds window_;
  const std::size_t max_keys_;
  const clock_fn now_;
  mutable std::mutex mutex_;
  list lru_;                                                    // least recently used first
  std::unordered_map<std::string_view, list::iterator> index_;  // views of entry::key
  std::shared_ptr<prometheus::Registry> registry_;              // owns the series below
  prometheus::Gauge* keys_metric_ = nullptr;
  prometheus::Counter* replayed_metric_ = nullptr;
  prometheus::Counter* in_flight_metric_ = nullptr;
  prometheus::Counter* evicted_metric_ = nullptr;
};

}  // namespace odin::publisher
