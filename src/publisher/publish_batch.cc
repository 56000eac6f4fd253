#include "publisher/publish_batch.h"

namespace odin::publisher {

publish_batch::publish_batch(std::vector<model::event_type> types)
    : types_(std::move(types)),
      outcomes_(types_.size()),
      skipped_(types_.size(), false),
      remaining_(types_.size()) {}

void publish_batch::skip(std::size_t index, record_outcome first) {
  std::lock_guard lock(mutex_);
  first.duplicate = true;
  outcomes_[index] = first;
  if (!skipped_[index]) {
    skipped_[index] = true;
    remaining_.fetch_sub(1, std::memory_order_relaxed);
  }
}

void publish_batch::start(bus::producer& producer, std::vector<prepared_event> events,
                          std::function<void()> on_done) {
  on_done_ = std::move(on_done);
  if (remaining_.load() == 0) {  // every event was a repeat
    auto done = std::move(on_done_);
    on_done_ = nullptr;
    if (done) done();
    return;
  }
  auto self = shared_from_this();
  producer.corked([&] {  // one consumer wake-up for the batch (bus/producer.h)
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (skipped_[i]) continue;
      const prepared_event& e = events[i];
      producer.produce_keyed(
          model::kind_of(e.type), e.token, e.value, e.idempotency_header,
          [self, i](result<bus::delivery, bus::bus_error> r) { self->complete(i, r); });
    }
  });
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
