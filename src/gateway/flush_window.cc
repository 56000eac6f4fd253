#include "gateway/flush_window.h"

#include <algorithm>

namespace odin::gateway {

flush_window::flush_window(duration max, bool adaptive, time_point now)
    : max_(max), adaptive_(adaptive), window_(adaptive ? duration{0} : max), period_start_(now) {}

void flush_window::on_turn(time_point start, time_point end, bool backlog) {
  if (!adaptive_ || max_.count() == 0) return;
  if (end > start) busy_ += end - start;
  if (backlog) set(max_);
  if (end - period_start_ >= sample_period) end_period(end);
}

// One sample: the busy share of the time since the period began. A period that ran long (the
// shard was idle) counts once per sample period it spans when shrinking.
void flush_window::end_period(time_point now) {
  const auto elapsed = now - period_start_;
  const double load = static_cast<double>(busy_.count()) / static_cast<double>(elapsed.count());
  if (load >= grow_load) {
    set(window_.count() == 0 ? std::min(min_window, max_) : std::min(window_ * 2, max_));
  } else if (load < shrink_load) {
    const auto periods = std::min<int64_t>(elapsed / sample_period, 32);
    duration w = window_;
    for (int64_t i = 0; i < periods && w.count() != 0; ++i)
      w = w / 2 < min_window ? duration{0} : w / 2;
    set(w);
  }
  period_start_ = now;
  busy_ = std::chrono::nanoseconds{0};
}

void flush_window::set(duration w) {
  if (window_.count() == 0 && w.count() != 0) ++openings_;
  window_ = w;
}

}  // namespace odin::gateway
