#include "bus/memory_log.h"

#include <algorithm>

namespace odin::bus {
namespace {

// Retention drops whole segments (as Kafka does), so a segment holds at most 1/8 of the
// record limit: at least 7/8 of it stays retained. 256 slots keep an idle partition small.
std::size_t segment_capacity_for(std::size_t max_records) {
  return std::clamp<std::size_t>(max_records / 8, 1, 256);
}

}  // namespace

memory_log::memory_log(const log_limits& limits)
    : limits_(limits), segment_capacity_(segment_capacity_for(limits.max_records)) {}

result<int64_t, bus_error> memory_log::append(std::string_view key, std::string_view value,
                                              int64_t timestamp_ms, int64_t ingest_us) {
  const std::size_t payload = key.size() + value.size();
  const std::size_t cost = payload + record_overhead;
  if (payload > limits_.max_record_bytes || cost > limits_.max_bytes) {
    return failure(bus_error::message_too_large);
  }
  std::lock_guard lock(mutex_);
  evict(cost, timestamp_ms);
  const int64_t offset = end_.load(std::memory_order_relaxed);
  if (segments_.empty() || segments_.back()->size == segments_.back()->capacity) {
    segments_.push_back(std::make_shared<log_segment>(offset, segment_capacity_));
  }
  log_segment& seg = *segments_.back();
  stored_record& slot = seg.slots[seg.size];
  slot.timestamp_ms = timestamp_ms;
  slot.ingest_us = ingest_us;
  slot.key_size = static_cast<uint32_t>(key.size());
  slot.data.reserve(payload);
  slot.data.append(key).append(value);
  ++seg.size;
  seg.bytes += cost;
  seg.newest_ms = std::max(seg.newest_ms, timestamp_ms);
  ++records_;
  bytes_ += cost;
  end_.store(offset + 1, std::memory_order_release);
  return offset;
}

void memory_log::evict(std::size_t incoming_bytes, int64_t now_ms) {
  const int64_t oldest_kept_ms = now_ms - limits_.max_age.count();
  while (!segments_.empty()) {
    const log_segment& front = *segments_.front();
    const bool over_records = records_ + 1 > limits_.max_records;
    const bool over_bytes = bytes_ + incoming_bytes > limits_.max_bytes;
    const bool too_old = front.newest_ms < oldest_kept_ms;
    if (!over_records && !over_bytes && !too_old) return;
    records_ -= front.size;
    bytes_ -= front.bytes;
    segments_.pop_front();
    start_ =
        segments_.empty() ? end_.load(std::memory_order_relaxed) : segments_.front()->base_offset;
  }
}

int64_t memory_log::read(int64_t from, std::size_t max, log_span& span) const {
  span.count = 0;
  std::lock_guard lock(mutex_);
  from = std::max(from, start_);
  if (max == 0 || from >= end_.load(std::memory_order_relaxed)) return from;
  // The segment holding `from`: the last one whose base is <= from.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), from,
                             [](int64_t off, const auto& seg) { return off < seg->base_offset; });
  const std::shared_ptr<log_segment>& seg = *std::prev(it);
  const auto index = static_cast<std::size_t>(from - seg->base_offset);
  span.segment = seg;
  span.first = seg->slots.get() + index;
  span.count = std::min(max, seg->size - index);
  span.first_offset = from;
  return from;
}

std::size_t memory_log::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

std::size_t memory_log::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace odin::bus
