#include "gateway/file_limit.h"

#include <sys/resource.h>

#include <gtest/gtest.h>

namespace odin::gateway::test {
namespace {

TEST(FileLimit, TheSoftLimitIsRaisedToTheHardLimit) {
  rlimit lim{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
  const rlim_t hard = lim.rlim_max;
  ASSERT_GT(hard, 256u) << "this test needs a hard limit above 256";
  lim.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lim), 0);

  const file_limit got = raise_file_limit_for(100);
  EXPECT_EQ(got.before, 256u);
  EXPECT_EQ(got.after, hard);
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &lim), 0);
  EXPECT_EQ(lim.rlim_cur, hard);

  // Already at the hard limit: nothing changes (the shortfall is only logged).
  const file_limit again = raise_file_limit_for(hard + 1);
  EXPECT_EQ(again.before, hard);
  EXPECT_EQ(again.after, hard);
}

}  // namespace
}  // namespace odin::gateway::test
