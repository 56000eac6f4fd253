#pragma once
// The records of one POST /events on their way to the bus: hands them to the producer in
// request order and collects each one's outcome; tells its owner once all are answered.
// Holds no I/O object, so it may safely outlive the server (a late completion of a request
// that was already answered with ack_timeout only updates this object).
// Thread-safe: completions arrive on the bus's threads.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "bus/producer.h"
#include "model/event_type.h"
#include "publisher/ingest.h"

namespace odin::publisher {

struct record_outcome {
  enum class state : uint8_t { pending, published, failed };
  state st = state::pending;
  bus::delivery where;     // published
  bus::bus_error error{};  // failed
  bool duplicate = false;  // a repeat (eventId seen before): not produced again
};

class publish_batch : public std::enable_shared_from_this<publish_batch> {
 public:
  explicit publish_batch(std::vector<model::event_type> types);

  // Before start(): event `index` is a repeat — it is not produced and its outcome is
  // `first` (marked duplicate).
  void skip(std::size_t index, record_outcome first);

  // Produces every event not skipped (same order as `types`), with its
  // prepared_event::idempotency_header when set. `on_done` runs once, after the last
  // completion, on the thread that delivered it (inside this call for the embedded bus, or
  // when every event was skipped).
  void start(bus::producer& producer, std::vector<prepared_event> events,
             std::function<void()> on_done);

  const std::vector<model::event_type>& types() const { return types_; }
  // A copy of the outcomes so far.
  std::vector<record_outcome> outcomes() const;

 private:
  void complete(std::size_t index, const result<bus::delivery, bus::bus_error>& r);

  const std::vector<model::event_type> types_;
  mutable std::mutex mutex_;
  std::vector<record_outcome> outcomes_;
  std::vector<bool> skipped_;
  std::atomic<std::size_t> remaining_;
  std::function<void()> on_done_;
};

}  // namespace odin::publisher
