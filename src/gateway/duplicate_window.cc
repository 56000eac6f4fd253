#include "gateway/duplicate_window.h"

namespace odin::gateway {

duplicate_window::duplicate_window(std::chrono::milliseconds window, std::size_t max_keys)
    : window_(window), max_keys_(max_keys == 0 ? 1 : max_keys) {}

bool duplicate_window::seen(model::kind kind, std::string_view key, clock::time_point now) {
  if (window_.count() <= 0 || key.empty()) return false;
  expire(now);
  scratch_.assign(1, static_cast<char>(model::index(kind)));
  scratch_.append(key);
  if (keys_.contains(std::string_view(scratch_))) return true;
  if (keys_.size() >= max_keys_) {
    pop_oldest();
    evicted_early_.fetch_add(1, std::memory_order_relaxed);
  }
  keys_.insert(scratch_);
  order_.push_back({scratch_, now});
  size_.store(keys_.size(), std::memory_order_relaxed);
  return false;
}

void duplicate_window::expire(clock::time_point now) {
  while (!order_.empty() && now - order_.front().at >= window_) pop_oldest();
  size_.store(keys_.size(), std::memory_order_relaxed);
}

void duplicate_window::pop_oldest() {
  keys_.erase(order_.front().key);
  order_.pop_front();
}

}  // namespace odin::gateway
