#include "publisher/idempotency_store.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace odin::publisher {

idempotency_store::idempotency_store(std::chrono::milliseconds window, std::size_t max_keys,
                                     std::shared_ptr<prometheus::Registry> registry, clock_fn now)
    : window_(window),
      max_keys_(std::max<std::size_t>(1, max_keys)),
      now_(std::move(now)),
      registry_(std::move(registry)) {
  if (registry_ == nullptr) return;
  prometheus::Registry& reg = *registry_;
  keys_metric_ = &prometheus::BuildGauge()
                      .Name("publisher_idempotency_keys")
                      .Help("Idempotency keys and event ids remembered now")
                      .Register(reg)
                      .Add({});
  auto& repeats = prometheus::BuildCounter()
                      .Name("publisher_idempotency_repeats_total")
                      .Help(
                          "Repeated idempotency keys / event ids: replayed (nothing published "
                          "again) or in_flight (answered 409)")
                      .Register(reg);
  replayed_metric_ = &repeats.Add({{"result", "replayed"}});
  in_flight_metric_ = &repeats.Add({{"result", "in_flight"}});
  evicted_metric_ = &prometheus::BuildCounter()
                         .Name("publisher_idempotency_evictions_total")
                         .Help(
                             "Keys forgotten before their window passed (PUBLISHER_IDEMPOTENCY_"
                             "MAX_KEYS reached)")
                         .Register(reg)
                         .Add({});
}

void idempotency_store::erase(list::iterator it) {
  index_.erase(std::string_view(it->key));
  lru_.erase(it);
}

void idempotency_store::expire_and_bound(clock::time_point now) {
  // Expired entries near the front go first; any other expired one is found on lookup.
  while (!lru_.empty() && now - lru_.front().first_seen >= window_) erase(lru_.begin());
  while (lru_.size() > max_keys_) {
    erase(lru_.begin());
    if (evicted_metric_) evicted_metric_->Increment();
  }
  if (keys_metric_) keys_metric_->Set(static_cast<double>(lru_.size()));
}

idempotency_store::lookup idempotency_store::claim(const std::string& key) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  if (auto found = index_.find(key); found != index_.end()) {
    list::iterator it = found->second;
    if (now - it->first_seen < window_) {
      lru_.splice(lru_.end(), lru_, it);  // most recently used
      if (!it->done) {
        if (in_flight_metric_) in_flight_metric_->Increment();
        return {seen::in_flight, {}};
      }
      if (replayed_metric_) replayed_metric_->Increment();
      return {seen::done, it->outcome};
    }
    erase(it);  // expired: the key is fresh again
  }
  lru_.push_back(entry{key, now, false, {}});
  index_.emplace(std::string_view(lru_.back().key), std::prev(lru_.end()));
  expire_and_bound(now);
  return {seen::fresh, {}};
}

idempotency_store::seen idempotency_store::peek(const std::string& key) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found == index_.end() || now - found->second->first_seen >= window_) return seen::fresh;
  return found->second->done ? seen::done : seen::in_flight;
}

void idempotency_store::complete(const std::string& key, remembered outcome) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found == index_.end()) return;  // evicted meanwhile
  found->second->done = true;
  found->second->outcome = std::move(outcome);
}

void idempotency_store::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (auto found = index_.find(key); found != index_.end()) erase(found->second);
  if (keys_metric_) keys_metric_->Set(static_cast<double>(lru_.size()));
}

std::size_t idempotency_store::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace odin::publisher
