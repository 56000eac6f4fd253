#include "publisher/server_context.h"

#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <boost/asio/post.hpp>

namespace odin::publisher {

void dispatch_gate::post(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  if (ioc_) boost::asio::post(*ioc_, std::move(fn));
}

void dispatch_gate::close() {
  std::lock_guard lock(mutex_);
  ioc_ = nullptr;
}

server_context::server_context(const options& o, metered_producer& p, sim::simulator& s,
                               std::shared_ptr<prometheus::Registry> r,
                               std::shared_ptr<dispatch_gate> g)
    : opts(o),
      producer(p),
      simulator(s),
      ingester(schemas, o.max_batch, o.strict_schemas),
      registry(std::move(r)),
      gate(std::move(g)),
      unknown(*registry),
      idempotency(std::make_shared<idempotency_store>(o.idempotency_window, o.idempotency_max_keys,
                                                      registry)) {
  http_requests = &prometheus::BuildCounter()
                       .Name("publisher_http_requests_total")
                       .Help("HTTP answers of the publisher, by path and status")
                       .Register(*registry);
}

void server_context::count_request(std::string_view path, int status) {
  http_requests->Add({{"path", std::string(path)}, {"status", std::to_string(status)}}).Increment();
}

std::string server_context::render_metrics() const {
  return prometheus::TextSerializer().Serialize(registry->Collect());
}

}  // namespace odin::publisher
