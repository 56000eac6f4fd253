#pragma once
// The producing side of a bus (memory or Kafka): partition by key hash, acknowledge once durable.
#include <chrono>
#include <functional>
#include <string_view>

#include "bus/record.h"
#include "common/result.h"
#include "model/kind.h"

namespace odin::bus {

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

  // Waits until every queued record is acknowledged or failed. Returns the number still
  // outstanding when `timeout` expired (0 = all done).
  virtual std::size_t flush(std::chrono::milliseconds timeout) = 0;
};

}  // namespace odin::bus
