#pragma once
// One partition of the memory bus: an append-only log of records with offsets from 0 and
// bounded retention (records, bytes, age), kept as a queue of fixed-capacity segments.
//
// Readers get views straight into the log, without copying: a segment's slots are written
// once, under the log's lock, and never move, and a reader holds the segment by shared_ptr,
// so retention may drop a segment while a reader is still handing its records out.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "bus/record.h"
#include "common/result.h"

namespace odin::bus {

struct stored_record {
  int64_t timestamp_ms = 0;
  int64_t ingest_us = 0;
  std::string data;  // key then value: one allocation per record
  uint32_t key_size = 0;

  std::string_view key() const { return std::string_view(data).substr(0, key_size); }
  std::string_view value() const { return std::string_view(data).substr(key_size); }
};

struct log_segment {
  log_segment(int64_t base, std::size_t capacity)
      : base_offset(base), capacity(capacity), slots(new stored_record[capacity]) {}

  const int64_t base_offset;
  const std::size_t capacity;
  const std::unique_ptr<stored_record[]> slots;
  // Guarded by the owning log's mutex.
  std::size_t size = 0;
  std::size_t bytes = 0;
  int64_t newest_ms = 0;
};

struct log_limits {
  std::size_t max_records = 100000;
  std::size_t max_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds max_age{300000};
  std::size_t max_record_bytes = 1024 * 1024;
};

// Consecutive records of one segment; valid while `segment` is held.
struct log_span {
  std::shared_ptr<const log_segment> segment;
  const stored_record* first = nullptr;
  std::size_t count = 0;
  int64_t first_offset = 0;
};

class memory_log {
 public:
  // Bytes one record counts against max_bytes: key + value + this fixed overhead.
  static constexpr std::size_t record_overhead = sizeof(stored_record);

  explicit memory_log(const log_limits& limits);

  // Drops what retention requires, then appends. Returns the record's offset, or
  // message_too_large when the record alone exceeds max_record_bytes or max_bytes.
  result<int64_t, bus_error> append(std::string_view key, std::string_view value,
                                    int64_t timestamp_ms, int64_t ingest_us);

  // Points `span` at up to `max` records from offset `from` (count 0 when there is none).
  // Returns the offset actually read from: `from`, or the oldest retained offset when
  // retention already dropped `from` (the difference is what the reader lost).
  int64_t read(int64_t from, std::size_t max, log_span& span) const;

  // The offset the next record will get. Lock-free.
  int64_t end_offset() const { return end_.load(std::memory_order_acquire); }

  std::size_t records() const;
  std::size_t bytes() const;

 private:
  void evict(std::size_t incoming_bytes, int64_t now_ms);  // under mutex_

  const log_limits limits_;
  const std::size_t segment_capacity_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<log_segment>> segments_;
  int64_t start_ = 0;  // oldest retained offset (== end when empty)
  std::atomic<int64_t> end_{0};
  std::size_t records_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace odin::bus
