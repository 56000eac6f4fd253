#include "loadtest/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace odin::loadtest {
namespace {

uint64_t reference_percentile(std::vector<uint64_t> sorted, double p) {
  std::sort(sorted.begin(), sorted.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size()));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

TEST(LatencyHistogram, BucketsCoverEveryValueContiguously) {
  const uint64_t values[] = {0,
                             1,
                             127,
                             128,
                             129,
                             255,
                             256,
                             1000,
                             123456,
                             (uint64_t{1} << 39) + 12345,
                             latency_histogram::max_value};
  for (uint64_t v : values) {
    const auto b = latency_histogram::bucket_of(v);
    ASSERT_LT(b, latency_histogram::bucket_count);
    EXPECT_LE(latency_histogram::bucket_low(b), v);
    EXPECT_GE(latency_histogram::bucket_high(b), v);
  }
  for (std::size_t i = 1; i <= latency_histogram::bucket_of(latency_histogram::max_value); ++i) {
    ASSERT_EQ(latency_histogram::bucket_low(i), latency_histogram::bucket_high(i - 1) + 1) << i;
  }
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  latency_histogram h;
  for (int v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.percentile(50), 50u);
  EXPECT_EQ(h.percentile(99), 99u);
  EXPECT_EQ(h.percentile(100), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogram, PercentilesMatchASortedReferenceWithinOneBucket) {
  std::mt19937_64 gen(42);
  std::lognormal_distribution<double> dist(6.0, 1.5);  // ~400 µs median, long tail
  std::vector<uint64_t> values;
  latency_histogram h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<uint64_t>(dist(gen));
    values.push_back(v);
    h.record(static_cast<int64_t>(v));
  }
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
    const uint64_t ref = reference_percentile(values, p);
    const uint64_t got = h.percentile(p);
    EXPECT_GE(got, ref) << "p" << p;
    EXPECT_LE(static_cast<double>(got), std::max(ref + 1.0, ref * (1.0 + 1.0 / 64))) << "p" << p;
  }
  EXPECT_EQ(h.max(), *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(h.percentile(100), h.max());
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  latency_histogram a, b, all;
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<int64_t> dist(0, 5'000'000);
  for (int i = 0; i < 50000; ++i) {
    const int64_t v = dist(gen);
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.sum(), all.sum());
  for (double p : {1.0, 50.0, 99.0, 99.9}) EXPECT_EQ(a.percentile(p), all.percentile(p));
  EXPECT_EQ(a.sparse(), all.sparse());
}

TEST(LatencyHistogram, NegativeAndHugeValuesAreClamped) {
  latency_histogram h;
  h.record(-5);
  h.record(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), latency_histogram::max_value);
}

TEST(LatencyHistogram, EmptyReportsZeros) {
  latency_histogram h;
  EXPECT_EQ(h.percentile(99), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_TRUE(h.sparse().empty());
}

TEST(LatencyHistogram, SparseRoundTrip) {
  latency_histogram h;
  for (int v : {3, 300, 3000, 30000, 300000}) h.record_n(v, 7);
  latency_histogram back;
  back.add_sparse(h.sparse(), h.max(), h.min(), h.sum());
  EXPECT_EQ(back.count(), h.count());
  EXPECT_EQ(back.percentile(50), h.percentile(50));
  EXPECT_EQ(back.max(), h.max());
  EXPECT_EQ(back.sum(), h.sum());
}

}  // namespace
}  // namespace odin::loadtest
