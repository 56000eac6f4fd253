#include "publisher/publish_batch.h"

namespace odin::publisher {

publish_batch::publish_batch(std::vector<model::event_type> types)
    : types_(std::move(types)), outcomes_(types_.size()), remaining_(types_.size()) {}

void publish_batch::start(bus::producer& producer, std::vector<prepared_event> events,
                          std::function<void()> on_done) {
  on_done_ = std::move(on_done);
  auto self = shared_from_this();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const prepared_event& e = events[i];
    producer.produce(model::kind_of(e.type), e.token, e.value,
                     [self, i](result<bus::delivery, bus::bus_error> r) { self->complete(i, r); });
  }
}

void publish_batch::complete(std::size_t index, const result<bus::delivery, bus::bus_error>& r) {
  {
    std::lock_guard lock(mutex_);
    record_outcome& o = outcomes_[index];
    if (r) {
      o.st = record_outcome::state::published;
      o.where = r.value();
    } else {
      o.st = record_outcome::state::failed;
      o.error = r.error();
    }
  }
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  // The last one: on_done_ was set before the first produce() and is touched by no one else.
  auto done = std::move(on_done_);
  on_done_ = nullptr;
  if (done) done();
}

std::vector<record_outcome> publish_batch::outcomes() const {
  std::lock_guard lock(mutex_);
  return outcomes_;
}

}  // namespace odin::publisher
