#pragma once
// A latency histogram in microseconds with log-linear buckets (HdrHistogram-like): values below
// 128 µs are exact; above, each power of two is split into 64 equal buckets, so a reported
// percentile is at most 1/64 (1.6 %) above the true one. Fixed memory (~18 KiB), O(1) record,
// mergeable (bucket counts add), so worker processes and threads can be combined exactly.
// Not thread-safe: one histogram per thread, merged at the end.
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace odin::loadtest {

class latency_histogram {
 public:
  static constexpr unsigned sub_bits = 6;                         // 64 buckets per power of two
  static constexpr uint64_t max_value = (uint64_t{1} << 40) - 1;  // ~12.7 days in µs
  static constexpr std::size_t bucket_count = (40 - sub_bits) * 64 + 128;

  // Records one value (µs); negatives count as 0, values past max_value as max_value.
  void record(int64_t us) { record_n(us, 1); }
  void record_n(int64_t us, uint64_t n);
  void merge(const latency_histogram& other);
  void reset() { *this = latency_histogram{}; }

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }               // exact
  uint64_t min() const { return count_ ? min_ : 0; }  // exact
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
  // The value at percentile p (0..100]: the upper bound of the bucket holding the
  // ceil(p/100 * count)-th smallest value, never above max(). 0 when empty.
  uint64_t percentile(double p) const;

  // Bucket index of a value and the inclusive value range of a bucket.
  static std::size_t bucket_of(uint64_t v);
  static uint64_t bucket_low(std::size_t index);
  static uint64_t bucket_high(std::size_t index);

  // Non-empty buckets as (index, count), ascending; and back (for JSON reports).
  std::vector<std::pair<uint32_t, uint64_t>> sparse() const;
  // Adds the counts of a sparse list; `max`, `min`, `sum` restore the exact side values.
  void add_sparse(const std::vector<std::pair<uint32_t, uint64_t>>& buckets, uint64_t max,
                  uint64_t min, uint64_t sum);
  uint64_t sum() const { return sum_; }

 private:
  std::array<uint64_t, bucket_count> counts_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

}  // namespace odin::loadtest
