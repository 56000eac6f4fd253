#pragma once
// The gateway: consumes every record of the bus and fans it out over WebSocket to the clients
// subscribed to its channel. One TCP port serves GET /ws (WebSocket), /health, /ready and
// /metrics. Threads: options.io_threads shards (I/O) + one dispatcher (bus consumer); see
// README.md for the design.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "bus/consumer.h"
#include "bus/replayer.h"
#include "gateway/options.h"

namespace prometheus {
class Collectable;
class Registry;
}  // namespace prometheus

namespace odin::gateway {

class gateway {
 public:
  // `consumer` must outlive the gateway; `registry` (may be null) is served on /metrics.
  gateway(options opts, bus::consumer& consumer, std::shared_ptr<prometheus::Registry> registry);
  ~gateway();  // stops if still running
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  // Before start(): where "since" positions older than the in-memory history are read from
  // (must outlive the gateway). Without one, such positions are answered "not recovered".
  void set_replayer(bus::replayer& replayer);

  // Binds (throws std::runtime_error with a clear message on failure) and starts the threads.
  void start();
  // The bound port (options.port may be 0).
  uint16_t port() const;
  // The admin listener's port (WS_ADMIN_ADDR; useful with port 0); 0 when there is none.
  uint16_t admin_port() const;
  // WebSocket connections holding one of options.max_connections slots (connection_slot.h),
  // every shard: from an admitted upgrade to the session's teardown. Any thread.
  std::size_t connection_count() const;
  // Extra metrics on /metrics (e.g. the bus's own). Thread-safe.
  void add_collectable(std::weak_ptr<prometheus::Collectable> c);
  // Stops accepting, closes every client with 1001, stops the consumer thread and joins;
  // bounded by options.shutdown_timeout (+ the time to join). Idempotent.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace odin::gateway
