// The adaptive coalescing window (gateway/flush_window.h) fed with turns on a made-up
// timeline: what it does depends only on the busy share the test describes.
#include "gateway/flush_window.h"

#include <gtest/gtest.h>

#include <chrono>

namespace odin::gateway {
namespace {

using namespace std::chrono_literals;
using time_point = flush_window::time_point;
using us = std::chrono::microseconds;

constexpr us max_window = 2000us;

class FlushWindow : public ::testing::Test {
 protected:
  // For `span` from where the last call ended: every `every`, idle then a turn of `busy`
  // ending on the `every` mark (so a span of one sample period ends one).
  void run(flush_window& w, us busy, us every, std::chrono::microseconds span) {
    const time_point end = now_ + span;
    while (now_ < end) {
      now_ += every;
      w.on_turn(now_ - busy, now_, false);
    }
  }

  time_point now_ = time_point(1000s);
};

TEST_F(FlushWindow, AdaptiveStartsWithNoWindow) {
  const flush_window w(max_window, true, now_);
  EXPECT_EQ(w.current(), 0us);
  EXPECT_EQ(w.openings(), 0u);
}

TEST_F(FlushWindow, FixedModeIsAlwaysTheMaximumWhateverTheLoad) {
  flush_window w(max_window, false, now_);
  EXPECT_EQ(w.current(), max_window);
  run(w, 10us, 1000us, 50ms);  // 1 % busy
  EXPECT_EQ(w.current(), max_window);
}

TEST_F(FlushWindow, AShardThatKeepsUpNeverOpensIt) {
  flush_window w(max_window, true, now_);
  run(w, 900us, 1000us, 200ms);  // 90 %: under grow_load
  EXPECT_EQ(w.current(), 0us);
  EXPECT_EQ(w.openings(), 0u);
}

TEST_F(FlushWindow, ASaturatedShardDoublesItEachSamplePeriodUpToTheMaximum) {
  flush_window w(max_window, true, now_);
  run(w, 980us, 1000us, flush_window::sample_period);  // 98 %
  EXPECT_EQ(w.current(), flush_window::min_window);
  run(w, 980us, 1000us, flush_window::sample_period);
  EXPECT_EQ(w.current(), 2 * flush_window::min_window);
  run(w, 980us, 1000us, 200ms);
  EXPECT_EQ(w.current(), max_window);
  EXPECT_EQ(w.openings(), 1u);
}

TEST_F(FlushWindow, AModerateLoadKeepsTheWindowItHas) {
  flush_window w(max_window, true, now_);
  run(w, 980us, 1000us, 200ms);
  ASSERT_EQ(w.current(), max_window);
  run(w, 700us, 1000us, 200ms);  // 70 %: between shrink_load and grow_load
  EXPECT_EQ(w.current(), max_window);
}

TEST_F(FlushWindow, ALightLoadHalvesItBackToZero) {
  flush_window w(max_window, true, now_);
  run(w, 980us, 1000us, 200ms);
  ASSERT_EQ(w.current(), max_window);
  run(w, 100us, 1000us, flush_window::sample_period);  // 10 %
  EXPECT_EQ(w.current(), max_window / 2);
  run(w, 100us, 1000us, 100ms);
  EXPECT_EQ(w.current(), 0us);
}

TEST_F(FlushWindow, ATurnLeftWithABacklogOpensItToTheMaximumAtOnce) {
  flush_window w(max_window, true, now_);
  w.on_turn(now_, now_ + 10us, true);
  EXPECT_EQ(w.current(), max_window);
  EXPECT_EQ(w.openings(), 1u);
}

TEST_F(FlushWindow, AnIdleShardClosesItOnItsNextTurn) {
  flush_window w(max_window, true, now_);
  w.on_turn(now_, now_ + 10us, true);
  ASSERT_EQ(w.current(), max_window);
  now_ += 1s;  // nothing to do for a second
  w.on_turn(now_, now_ + 10us, false);
  EXPECT_EQ(w.current(), 0us);
}

TEST_F(FlushWindow, AZeroMaximumNeverOpens) {
  flush_window w(0us, true, now_);
  w.on_turn(now_, now_ + 10us, true);
  run(w, 1000us, 1000us, 100ms);  // 100 %
  EXPECT_EQ(w.current(), 0us);
}

TEST_F(FlushWindow, AMaximumBelowTheFirstStepOpensToTheMaximum) {
  flush_window w(20us, true, now_);
  run(w, 980us, 1000us, flush_window::sample_period);
  EXPECT_EQ(w.current(), 20us);
}

}  // namespace
}  // namespace odin::gateway
