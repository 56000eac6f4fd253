#pragma once
// The producing side of a bus (memory or Kafka): partition by key hash, acknowledge once durable.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "bus/record.h"
#include "common/result.h"
#include "model/kind.h"

namespace odin::bus {

// A producer's view of its bus.
struct producer_health {
  bool connected = true;
  std::string reason;                             // why not connected ("all brokers are down" ...)
  std::chrono::system_clock::time_point since{};  // when the current state began
  std::size_t queued = 0;                         // records handed over, not yet completed
};

class producer {
 public:
  // Called exactly once per produce(), possibly from another thread, after the bus
  // acknowledged (Kafka: acks=all) or gave up.
  using completion = std::function<void(result<delivery, bus_error>)>;

  virtual ~producer() = default;

  // Queues one record for the topic of `kind` with `key` (token id) and `value` (event JSON).
  // Never blocks for long: a full local queue is retried for a bounded time, then reported
  // as bus_error::queue_full through `done`.
  virtual void produce(model::kind kind, std::string_view key, std::string_view value,
                       completion done) = 0;

  // The same, with the record header odin-idempotency-key = `idempotency_key` (when not
  // empty) so that consumers can drop a repeat. Producers without headers ignore it.
  virtual void produce_keyed(model::kind kind, std::string_view key, std::string_view value,
                             std::string_view idempotency_key, completion done) {
    (void)idempotency_key;
    produce(kind, key, value, std::move(done));
  }

  // Runs `burst` (produce calls made on this thread) as one: a bus that wakes its consumers
  // per record (the memory bus) wakes them once, after it; others just run it (librdkafka
  // batches on its own).
  virtual void corked(const std::function<void()>& burst) { burst(); }

  // What the producer knows of its bus right now (fail-fast answers, /health).
  virtual producer_health health() const { return {}; }

  // Waits until every queued record is acknowledged or failed. Returns the number still
  // outstanding when `timeout` expired (0 = all done).
  virtual std::size_t flush(std::chrono::milliseconds timeout) = 0;
};

}  // namespace odin::bus
