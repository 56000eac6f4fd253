#pragma once
// The publisher's HTTP ingest server (the plan's "API Backend" side, docs/plan.md): POST /events,
// POST /control, GET /stats, GET /health, GET /metrics on one port — or, with an admin
// address (options.admin_host, PUBLISHER_ADMIN_ADDR), GET /metrics and /health on a second one. See
// README.md for the API. Threads: options.io_threads I/O threads on one io_context (each connection
// on its own strand); bus completions arrive on the producer's threads and are posted back.
#include <cstdint>
#include <memory>

#include "bus/producer.h"
#include "model/topic_map.h"
#include "publisher/options.h"
#include "publisher/publish_stats.h"
#include "sim/simulator.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace odin::publisher {

class server {
 public:
  // `producer` and `simulator` must outlive the server. When `producer` is a
  // publisher::metered_producer its counters are used — build the simulator on the same one
  // so that /stats counts simulated events too (as the plan's publisher did); any other
  // producer is wrapped in a metered_producer of the server's own (then /stats counts the
  // events of POST /events only). `registry` (null: a registry of the server's own) gets
  // publisher_http_requests_total and, for its own metered_producer, the publisher_* series;
  // GET /metrics serves all of it. Compiles the event schemas (throws std::invalid_argument
  // when one is broken).
  server(options opts, bus::producer& producer, sim::simulator& simulator,
         const model::topic_map& topics, std::shared_ptr<prometheus::Registry> registry);
  ~server();  // stops
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds host:port and starts the I/O threads. Throws std::runtime_error with the address
  // and the reason when the port cannot be bound.
  void start();
  // The bound port (useful with options.port = 0).
  uint16_t port() const;
  // The admin listener's port (PUBLISHER_ADMIN_ADDR; useful with port 0); 0 when none.
  uint16_t admin_port() const;
  // Stops accepting, gives requests waiting for the bus up to options.shutdown_timeout to be
  // answered, then closes every connection and joins the threads. Idempotent. The producer is
  // not flushed here (the caller owns it).
  void stop();

  const publish_stats& stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace odin::publisher
