#pragma once
// The consuming side of a bus. A gateway consumes every partition of every topic (fan-out:
// each gateway instance must see every token), starting at the latest offset.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bus/record.h"
#include "common/result.h"

namespace odin::bus {

struct partition_lag {
  std::string topic;
  int32_t partition = 0;
  int64_t lag = 0;  // high watermark - next offset to read; -1 when not known yet
};

// Is the bus reachable? For /ready and the kafka_consumer_* metrics while brokers are gone.
struct bus_health {
  bool connected = true;  // the brokers answer (the memory bus always does)
  int64_t since_ms = 0;   // ms since the epoch when `connected` last changed (0: at start)
  uint64_t outages = 0;   // times the connection was lost after it had been up
  int64_t outage_ms = 0;  // time spent disconnected after the first connection, the current
                          // outage included
};

class consumer {
 public:
  virtual ~consumer() = default;

  // Waits up to `timeout` for records and hands at most `max_records` of them to `sink`,
  // in bus order within each partition. A record handed to the sink is consumed; nothing
  // is skipped silently (a gap the bus itself caused, e.g. retention, is counted in
  // skipped()). Returns how many records were handed out.
  virtual result<std::size_t, bus_error> poll(std::chrono::milliseconds timeout,
                                              std::size_t max_records, const record_sink& sink) = 0;

  // Backpressure: stop / restart fetching every partition. poll() hands out nothing while
  // paused; nothing is lost, reading continues where it stopped.
  virtual void pause() = 0;
  virtual void resume() = 0;

  // Makes a blocked poll() return early (shutdown). Thread-safe.
  virtual void wake() = 0;

  // Lets a caller poll from its own event loop instead of blocking in poll(): `fn` is called
  // (on any thread, often the bus's own) when poll() may have records it had not; it must be
  // cheap and must not call back into the consumer (post to a loop). Edge-like: a caller that
  // stops before poll() handed out less than it asked for must poll again on its own. An
  // empty `fn` removes it (no call in progress or later once this returns). Returns false
  // when this consumer has no such hook (then poll() must block as usual).
  virtual bool set_notify(std::function<void()> fn) {
    (void)fn;
    return false;
  }

  // True once the bus answered and every topic exists (for /ready). Thread-safe.
  virtual bool ready() const = 0;

  // Reachability of the bus (for /ready and /metrics). Thread-safe.
  virtual bus_health health() const { return {}; }

  // Consumer lag per partition (for /metrics). Thread-safe.
  virtual std::vector<partition_lag> lag() const = 0;

  // Records the bus no longer had when this consumer got to them (retention). Thread-safe.
  virtual uint64_t skipped() const = 0;

  // Failed offset commits (Kafka: offsets are committed for observability only, the
  // gateway always starts at the latest offset). Thread-safe.
  virtual uint64_t commit_errors() const = 0;
};

}  // namespace odin::bus
