#include "gateway/history.h"

#include <algorithm>

namespace odin::gateway {

history::~history() {
  for (auto& [name, log] : channels_) {
    for (frame* f : log->frames) f->release();
  }
}

void history::append(std::span<frame* const> frames, int64_t now_us) {
  if (frames.empty()) return;
  const int64_t oldest_kept = now_us - options_.ttl.count() * 1000;
  std::lock_guard lock(mutex_);
  for (frame* f : frames) add(f);
  // Entries of frames per_channel already dropped (stale) go too when they reach the front;
  // until then they count against max_bytes, so order_ stays bounded.
  while (!order_.empty() &&
         (held_bytes_ > options_.max_bytes || order_.front().ts_us < oldest_kept ||
          order_.front().index < order_.front().log->first_index)) {
    evict_oldest();
  }
  bytes_.store(held_bytes_, std::memory_order_relaxed);
}

void history::add(frame* f) {
  auto it = channels_.find(f->channel());
  if (it == channels_.end()) {
    auto log = std::make_unique<channel_log>();
    log->name = std::string(f->channel());
    it = channels_.emplace(log->name, std::move(log)).first;
  }
  channel_log& log = *it->second;
  log.frames.push_back(f);
  order_.push_back({&log, log.first_index + log.frames.size() - 1, f->ts_us()});
  ++log.queued;
  held_bytes_ += f->size() + frame_overhead + sizeof(entry);
  frames_.fetch_add(1, std::memory_order_relaxed);
  if (log.frames.size() > options_.per_channel) drop_front(log);
}

void history::drop_front(channel_log& log) {
  frame* f = log.frames.front();
  held_bytes_ -= f->size() + frame_overhead;  // its order_ entry is counted until it goes
  log.frames.pop_front();
  ++log.first_index;
  frames_.fetch_sub(1, std::memory_order_relaxed);
  f->release();
}

void history::evict_oldest() {
  const entry e = order_.front();
  order_.pop_front();
  held_bytes_ -= sizeof(entry);
  // Stale when per_channel already dropped it; otherwise it is its channel's oldest.
  if (e.index >= e.log->first_index) drop_front(*e.log);
  --e.log->queued;
  forget_if_unused(e.log);
}

void history::forget_if_unused(channel_log* log) {
  if (!log->frames.empty() || log->queued != 0) return;
  const std::string name = std::move(log->name);  // the key outlives the element it names
  channels_.erase(name);
}

history::lookup history::after(std::string_view channel, int64_t offset, uint32_t check,
                               std::vector<frame*>& out) const {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel);
  if (it == channels_.end() || it->second->frames.empty()) return lookup::unknown;
  const std::deque<frame*>& frames = it->second->frames;
  if (offset < frames.front()->offset() || offset > frames.back()->offset()) return lookup::unknown;
  auto at = std::lower_bound(frames.begin(), frames.end(), offset,
                             [](const frame* f, int64_t o) { return f->offset() < o; });
  if (at == frames.end() || (*at)->offset() != offset || (*at)->check() != check)
    return lookup::mismatch;
  for (auto next = std::next(at); next != frames.end(); ++next) {
    (*next)->add_ref();
    out.push_back(*next);
  }
  return lookup::found;
}

frame* history::latest(std::string_view channel) const {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel);
  if (it == channels_.end() || it->second->frames.empty()) return nullptr;
  frame* f = it->second->frames.back();
  f->add_ref();
  return f;
}

frame* history::latest_owned(std::string_view channel, std::string_view owner) const {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel);
  if (it == channels_.end()) return nullptr;
  const auto& frames = it->second->frames;
  for (auto f = frames.rbegin(); f != frames.rend(); ++f) {
    if ((*f)->owner() == owner) {
      (*f)->add_ref();
      return *f;
    }
  }
  return nullptr;
}

}  // namespace odin::gateway
