#include "loadtest/sequence_tracker.h"

#include <algorithm>

namespace odin::loadtest {

void sequence_counts::merge(const sequence_counts& o) {
  gaps += o.gaps;
  tail_loss += o.tail_loss;
  duplicates += o.duplicates;
  out_of_order += o.out_of_order;
  unexpected += o.unexpected;
}

void sequence_tracker::expect(uint32_t channel) {
  auto it = std::lower_bound(states_.begin(), states_.end(), channel,
                             [](const state& s, uint32_t c) { return s.channel < c; });
  if (it != states_.end() && it->channel == channel) return;
  state s;
  s.channel = channel;
  states_.insert(it, s);
}

sequence_tracker::state* sequence_tracker::find(uint32_t channel) {
  return const_cast<state*>(static_cast<const sequence_tracker*>(this)->find(channel));
}

const sequence_tracker::state* sequence_tracker::find(uint32_t channel) const {
  auto it = std::lower_bound(states_.begin(), states_.end(), channel,
                             [](const state& s, uint32_t c) { return s.channel < c; });
  return it != states_.end() && it->channel == channel ? &*it : nullptr;
}

uint64_t sequence_tracker::last(uint32_t channel) const {
  const state* s = find(channel);
  return s != nullptr && s->has_baseline ? s->last : 0;
}

bool sequence_tracker::assume_next(uint32_t channel) {
  state* s = find(channel);
  if (s == nullptr || !s->has_baseline) return false;
  ++s->last;
  s->seen = (s->seen << 1) | 1;
  return true;
}

verdict sequence_tracker::observe(uint32_t channel, uint64_t seq, sequence_counts& counts) {
  state* s = find(channel);
  if (s == nullptr) {
    ++counts.unexpected;
    return verdict::unexpected;
  }
  if (!s->has_baseline) {
    s->has_baseline = true;
    s->baseline = s->last = seq;
    s->seen = 1;
    return verdict::baseline;
  }
  if (seq > s->last) {
    const uint64_t step = seq - s->last;
    s->seen = step >= 64 ? 1 : (s->seen << step) | 1;
    s->last = seq;
    if (step == 1) return verdict::in_order;
    counts.gaps += step - 1;
    return verdict::gap;
  }
  const uint64_t back = s->last - seq;
  if (seq < s->baseline || back >= 64) {
    ++counts.out_of_order;
    return verdict::out_of_order;
  }
  const uint64_t bit = uint64_t{1} << back;
  if ((s->seen & bit) != 0) {
    ++counts.duplicates;
    return verdict::duplicate;
  }
  s->seen |= bit;
  ++counts.out_of_order;
  if (counts.gaps > 0) --counts.gaps;  // it was counted lost when the gap opened
  return verdict::out_of_order;
}

}  // namespace odin::loadtest
