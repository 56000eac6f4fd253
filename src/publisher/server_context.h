#pragma once
// What every connection of a publisher server shares (internal to src/publisher).
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "model/topic_map.h"
#include "publisher/idempotency_store.h"
#include "publisher/ingest.h"
#include "publisher/metered_producer.h"
#include "publisher/options.h"
#include "publisher/unknown_fields.h"
#include "schema/event_schemas.h"
#include "sim/simulator.h"

namespace prometheus {
class Counter;
template <typename T>
class Family;
class Registry;
}  // namespace prometheus

namespace odin::publisher {

// Lets bus completions (other threads, possibly after the server stopped) hand work to the
// server's io_context: post() does nothing once close() ran, so nothing is ever posted to a
// stopped or destroyed io_context.
class dispatch_gate {
 public:
  explicit dispatch_gate(boost::asio::io_context& ioc) : ioc_(&ioc) {}
  void post(std::function<void()> fn);
  void close();

 private:
  std::mutex mutex_;
  boost::asio::io_context* ioc_;
};

struct server_context {
  server_context(const options& o, metered_producer& p, sim::simulator& s,
                 std::shared_ptr<prometheus::Registry> r, std::shared_ptr<dispatch_gate> g);

  // Counts an answer in publisher_http_requests_total{path,status}.
  void count_request(std::string_view path, int status);
  std::string render_metrics() const;

  const options opts;
  metered_producer& producer;
  sim::simulator& simulator;
  const schema::event_schemas schemas;  // compiled once, here
  const ingest ingester;
  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Family<prometheus::Counter>* http_requests = nullptr;
  std::shared_ptr<dispatch_gate> gate;
  unknown_fields unknown;  // publisher_unknown_fields_total
  // Shared with the completions in flight, which may outlive the server.
  std::shared_ptr<idempotency_store> idempotency;

  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> in_flight{0};  // POST /events waiting for the bus
  std::atomic<bool> stopping{false};
};

}  // namespace odin::publisher
