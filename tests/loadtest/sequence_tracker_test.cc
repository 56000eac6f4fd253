#include "loadtest/sequence_tracker.h"

#include <gtest/gtest.h>

namespace odin::loadtest {
namespace {

TEST(SequenceTracker, FirstEventIsTheBaselineThenInOrder) {
  sequence_tracker t;
  sequence_counts c;
  t.expect(3);
  EXPECT_EQ(t.observe(3, 4211, c), verdict::baseline);
  EXPECT_EQ(t.observe(3, 4212, c), verdict::in_order);
  EXPECT_EQ(t.observe(3, 4213, c), verdict::in_order);
  EXPECT_EQ(c.loss(), 0u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.out_of_order, 0u);
  EXPECT_EQ(t.last(3), 4213u);
}

TEST(SequenceTracker, GapCountsEveryMissingEvent) {
  sequence_tracker t;
  sequence_counts c;
  t.expect(1);
  t.observe(1, 10, c);
  EXPECT_EQ(t.observe(1, 14, c), verdict::gap);
  EXPECT_EQ(c.gaps, 3u);
  EXPECT_EQ(t.observe(1, 15, c), verdict::in_order);
  EXPECT_EQ(c.gaps, 3u);
}

TEST(SequenceTracker, LateArrivalIsOutOfOrderAndNoLongerLost) {
  sequence_tracker t;
  sequence_counts c;
  t.expect(1);
  t.observe(1, 10, c);
  t.observe(1, 12, c);  // 11 missing
  EXPECT_EQ(c.gaps, 1u);
  EXPECT_EQ(t.observe(1, 11, c), verdict::out_of_order);
  EXPECT_EQ(c.gaps, 0u);
  EXPECT_EQ(c.out_of_order, 1u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(t.observe(1, 11, c), verdict::duplicate);  // now it was seen
  EXPECT_EQ(c.duplicates, 1u);
}

TEST(SequenceTracker, DuplicatesOfTheNewestAndOfOlderEvents) {
  sequence_tracker t;
  sequence_counts c;
  t.expect(1);
  t.observe(1, 100, c);
  t.observe(1, 101, c);
  t.observe(1, 102, c);
  EXPECT_EQ(t.observe(1, 102, c), verdict::duplicate);
  EXPECT_EQ(t.observe(1, 100, c), verdict::duplicate);
  EXPECT_EQ(c.duplicates, 2u);
  EXPECT_EQ(c.loss(), 0u);
}

TEST(SequenceTracker, BeforeTheBaselineOrBeyondTheWindowIsOutOfOrder) {
  sequence_tracker t;
  sequence_counts c;
  t.expect(1);
  t.observe(1, 500, c);
  EXPECT_EQ(t.observe(1, 499, c), verdict::out_of_order);
  t.observe(1, 700, c);  // 199 lost
  EXPECT_EQ(c.gaps, 199u);
  EXPECT_EQ(t.observe(1, 600, c), verdict::out_of_order);  // 100 back: outside the window
  EXPECT_EQ(c.gaps, 199u);
  EXPECT_EQ(c.out_of_order, 2u);
}

TEST(SequenceTracker, ChannelsAreIndependentAndUnsubscribedOnesAreUnexpected) {
  sequence_tracker t;
  sequence_counts c;
  t.expect(5);
  t.expect(2);
  t.expect(5);  // idempotent
  EXPECT_EQ(t.channels(), 2u);
  t.observe(5, 1, c);
  t.observe(2, 1000, c);
  EXPECT_EQ(t.observe(5, 2, c), verdict::in_order);
  EXPECT_EQ(t.observe(2, 1001, c), verdict::in_order);
  EXPECT_EQ(t.observe(9, 1, c), verdict::unexpected);
  EXPECT_EQ(c.unexpected, 1u);
  EXPECT_EQ(c.loss(), 0u);
  std::size_t seen = 0;
  t.for_each_last([&](uint32_t ch, uint64_t last) {
    ++seen;
    EXPECT_EQ(last, ch == 5 ? 2u : 1001u);
  });
  EXPECT_EQ(seen, 2u);
}

TEST(SequenceTracker, ALongInOrderStreamHasNoFalsePositives) {
  sequence_tracker t;
  sequence_counts c;
  t.expect(0);
  for (uint64_t s = 77; s < 100077; ++s) t.observe(0, s, c);
  EXPECT_EQ(c.gaps + c.duplicates + c.out_of_order + c.unexpected, 0u);
}

}  // namespace
}  // namespace odin::loadtest
