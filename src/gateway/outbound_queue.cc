#include "gateway/outbound_queue.h"

#include <utility>

#include <fmt/format.h>

namespace odin::gateway {

void outbound_queue::push(shard_frame* f, bool compressed) {
  bytes_ += f->bytes(compressed).size();
  items_.push_back(item{f, {}, 0, compressed});
}

void outbound_queue::push(std::string bytes) {
  bytes_ += bytes.size();
  items_.push_back(item{nullptr, std::move(bytes), 0, false});
}

std::size_t outbound_queue::gather(iovec* iov, std::size_t max, std::size_t& total) const {
  std::size_t count = 0;
  total = 0;
  for (std::size_t i = head_; i < items_.size() && count < max; ++i, ++count) {
    std::string_view b = items_[i].bytes();
    if (i == head_) b.remove_prefix(head_offset_);
    iov[count].iov_base = const_cast<char*>(b.data());
    iov[count].iov_len = b.size();
    total += b.size();
  }
  return count;
}

void outbound_queue::finish(item& it) {
  if (it.shared != nullptr) {
    pool_.drop(it.shared);
    it.shared = nullptr;
  }
  std::string().swap(it.owned);
}

std::size_t outbound_queue::push_latest(shard_frame* f, bool compressed) {
  const std::string_view channel = f->f->channel();
  const std::size_t first = head_ + (head_offset_ > 0 ? 1 : 0);
  std::size_t kept = first;
  std::size_t removed = 0;
  std::size_t skipped = 0;
  for (std::size_t i = first; i < items_.size(); ++i) {
    item& it = items_[i];
    if (it.shared != nullptr && it.shared->f->channel() == channel) {
      ++removed;
      skipped += 1 + it.skipped;
      bytes_ -= it.bytes().size();
      finish(it);
    } else {
      if (kept != i) items_[kept] = std::move(it);
      ++kept;
    }
  }
  items_.resize(kept);
  if (skipped == 0) {
    push(f, compressed);
    return 0;
  }
  // Rendered for this session only, and only when conflation happens: the shared frame
  // cannot carry a count that differs per subscriber.
  item it{f, render_flagged(*f->f, fmt::format(",\"conflated\":{}", skipped)), skipped, false};
  bytes_ += it.owned.size();
  items_.push_back(std::move(it));
  return removed;
}

consumed outbound_queue::consume(std::size_t n) {
  consumed out;
  while (n > 0 && head_ < items_.size()) {
    item& it = items_[head_];
    const std::size_t remaining = it.bytes().size() - head_offset_;
    if (n < remaining) {
      head_offset_ += n;
      bytes_ -= n;
      break;
    }
    n -= remaining;
    bytes_ -= remaining;
    if (it.shared != nullptr) {
      if (out.events == 0) out.oldest_event_ts_us = it.shared->f->ts_us();
      ++out.events;
    }
    ++out.items;
    finish(it);
    ++head_;
    head_offset_ = 0;
  }
  compact();
  return out;
}

std::size_t outbound_queue::drop_unstarted() {
  const std::size_t keep = head_ + (head_offset_ > 0 ? 1 : 0);
  std::size_t dropped = 0;
  for (std::size_t i = keep; i < items_.size(); ++i) {
    dropped += items_[i].bytes().size();
    finish(items_[i]);
  }
  if (keep < items_.size()) items_.resize(keep);
  bytes_ -= dropped;
  compact();
  return dropped;
}

void outbound_queue::clear() {
  for (std::size_t i = head_; i < items_.size(); ++i) finish(items_[i]);
  items_.clear();
  head_ = 0;
  head_offset_ = 0;
  bytes_ = 0;
}

void outbound_queue::compact() {
  if (head_ == items_.size()) {
    items_.clear();
    head_ = 0;
  } else if (head_ >= 256 && head_ * 2 >= items_.size()) {
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

}  // namespace odin::gateway
