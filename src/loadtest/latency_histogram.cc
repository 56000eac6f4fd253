#include "loadtest/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace odin::loadtest {

std::size_t latency_histogram::bucket_of(uint64_t v) {
  if (v < 128) return static_cast<std::size_t>(v);
  const unsigned msb = 63 - static_cast<unsigned>(std::countl_zero(v));  // >= 7
  const unsigned shift = msb - sub_bits;                                 // v >> shift in [64, 127]
  return static_cast<std::size_t>(shift) * 64 + static_cast<std::size_t>(v >> shift);
}

uint64_t latency_histogram::bucket_low(std::size_t index) {
  if (index < 128) return index;
  const std::size_t shift = index / 64 - 1;
  return static_cast<uint64_t>(index - shift * 64) << shift;
}

uint64_t latency_histogram::bucket_high(std::size_t index) {
  if (index < 128) return index;
  const std::size_t shift = index / 64 - 1;
  return bucket_low(index) + (uint64_t{1} << shift) - 1;
}

void latency_histogram::record_n(int64_t us, uint64_t n) {
  if (n == 0) return;
  const uint64_t v = us <= 0 ? 0 : std::min<uint64_t>(static_cast<uint64_t>(us), max_value);
  counts_[bucket_of(v)] += n;
  count_ += n;
  sum_ += v * n;
  max_ = std::max(max_, v);
  min_ = std::min(min_, v);
}

void latency_histogram::merge(const latency_histogram& other) {
  for (std::size_t i = 0; i < bucket_count; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

uint64_t latency_histogram::percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(bucket_high(i), max_);
  }
  return max_;
}

std::vector<std::pair<uint32_t, uint64_t>> latency_histogram::sparse() const {
  std::vector<std::pair<uint32_t, uint64_t>> out;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    if (counts_[i] != 0) out.emplace_back(static_cast<uint32_t>(i), counts_[i]);
  }
  return out;
}

void latency_histogram::add_sparse(const std::vector<std::pair<uint32_t, uint64_t>>& buckets,
                                   uint64_t max, uint64_t min, uint64_t sum) {
  uint64_t added = 0;
  for (const auto& [index, n] : buckets) {
    if (index >= bucket_count || n == 0) continue;
    counts_[index] += n;
    added += n;
  }
  if (added == 0) return;
  count_ += added;
  sum_ += sum;
  max_ = std::max(max_, max);
  min_ = std::min(min_, min);
}

}  // namespace odin::loadtest
