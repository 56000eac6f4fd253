#include "publisher/metered_producer.h"

#include <prometheus/registry.h>

namespace odin::publisher {

metered_producer::metered_producer(bus::producer& inner, const model::topic_map& topics,
                                   std::shared_ptr<prometheus::Registry> registry)
    : inner_(inner),
      registry_(std::move(registry)),
      stats_(std::make_shared<publish_stats>(topics, registry_)) {}

bus::producer::completion metered_producer::metered(model::kind kind, completion done) const {
  return [stats = stats_, kind, started = std::chrono::steady_clock::now(),
          done = std::move(done)](result<bus::delivery, bus::bus_error> r) {
    if (r) {
      stats->published(kind, std::chrono::steady_clock::now() - started);
    } else {
      stats->failed(kind, r.error());
    }
    if (done) done(std::move(r));
  };
}

void metered_producer::produce(model::kind kind, std::string_view key, std::string_view value,
                               completion done) {
  inner_.produce(kind, key, value, metered(kind, std::move(done)));
}

void metered_producer::produce_keyed(model::kind kind, std::string_view key, std::string_view value,
                                     std::string_view idempotency_key, completion done) {
  inner_.produce_keyed(kind, key, value, idempotency_key, metered(kind, std::move(done)));
}

}  // namespace odin::publisher
