#include "publisher/metered_producer.h"

#include <prometheus/registry.h>

namespace odin::publisher {

metered_producer::metered_producer(bus::producer& inner, const model::topic_map& topics,
                                   std::shared_ptr<prometheus::Registry> registry)
    : inner_(inner),
      registry_(std::move(registry)),
      stats_(std::make_shared<publish_stats>(topics, registry_)) {}

void metered_producer::produce(model::kind kind, std::string_view key, std::string_view value,
                               completion done) {
  const auto started = std::chrono::steady_clock::now();
  inner_.produce(kind, key, value,
                 [stats = stats_, kind, started,
                  done = std::move(done)](result<bus::delivery, bus::bus_error> r) {
                   if (r) {
                     stats->published(kind, std::chrono::steady_clock::now() - started);
                   } else {
                     stats->failed(kind, r.error());
                   }
                   if (done) done(std::move(r));
                 });
}

}  // namespace odin::publisher
