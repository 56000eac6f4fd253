#include "common/clock.h"

#include <gtest/gtest.h>

#include <chrono>

#include "bus/record.h"

namespace odin {
namespace {

TEST(Clock, NowUsIsMicrosecondsOnTheSystemClock) {
  using namespace std::chrono;
  const int64_t before =
      duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  const int64_t t = now_us();
  const int64_t after = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  EXPECT_LE(before, t);
  EXPECT_LE(t, after);
}

TEST(Clock, BusReexportsTheSameFunction) {
  EXPECT_EQ(&bus::now_us, &odin::now_us);
}

}  // namespace
}  // namespace odin
