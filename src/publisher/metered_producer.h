#pragma once
// A bus::producer that counts: every record handed through it ends up in its publish_stats
// (published / failed per topic, produce→ack latency, recent errors) when the bus completes
// it. Give the same metered_producer to the simulator and to the server so that /stats and
// /metrics count both (the plan's (docs/plan.md) publisher counted its simulator too).
// Thread-safe like the producer it wraps; completions run where the wrapped producer runs them.
#include <memory>

#include "bus/producer.h"
#include "model/topic_map.h"
#include "publisher/publish_stats.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace odin::publisher {

class metered_producer final : public bus::producer {
 public:
  // `inner` must outlive this; `registry` (may be null) gets the publisher_* series.
  metered_producer(bus::producer& inner, const model::topic_map& topics,
                   std::shared_ptr<prometheus::Registry> registry);

  void produce(model::kind kind, std::string_view key, std::string_view value,
               completion done) override;
  void produce_keyed(model::kind kind, std::string_view key, std::string_view value,
                     std::string_view idempotency_key, completion done) override;
  void corked(const std::function<void()>& burst) override { inner_.corked(burst); }
  std::size_t flush(std::chrono::milliseconds timeout) override { return inner_.flush(timeout); }
  bus::producer_health health() const override { return inner_.health(); }

  const publish_stats& stats() const { return *stats_; }
  // Counts a request refused before the bus (fail fast) in the stats.
  void refused(publish_stats::refusal why, std::size_t events) { stats_->refused(why, events); }
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  completion metered(model::kind kind, completion done) const;

  bus::producer& inner_;
  std::shared_ptr<prometheus::Registry> registry_;
  // Shared with the completions in flight, which may outlive this object.
  std::shared_ptr<publish_stats> stats_;
};

}  // namespace odin::publisher
