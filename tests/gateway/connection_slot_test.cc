#include "gateway/connection_slot.h"

#include <gtest/gtest.h>

#include <atomic>
#include <utility>

namespace odin::gateway {
namespace {

TEST(ConnectionSlot, TakesUpToTheLimitAndGivesBackWhenDropped) {
  std::atomic<std::size_t> count{0};
  {
    connection_slot a = connection_slot::take(count, 2);
    connection_slot b = connection_slot::take(count, 2);
    EXPECT_TRUE(a.held());
    EXPECT_TRUE(b.held());
    EXPECT_EQ(count.load(), 2u);
    connection_slot refused = connection_slot::take(count, 2);
    EXPECT_FALSE(refused.held());
    EXPECT_EQ(count.load(), 2u);  // a refusal leaves the count as it was
  }
  EXPECT_EQ(count.load(), 0u);
}

TEST(ConnectionSlot, AMoveTransfersTheSlotOnce) {
  std::atomic<std::size_t> count{0};
  connection_slot a = connection_slot::take(count, 1);
  connection_slot b(std::move(a));
  EXPECT_FALSE(a.held());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_TRUE(b.held());
  EXPECT_EQ(count.load(), 1u);
  connection_slot c;
  c = std::move(b);
  EXPECT_EQ(count.load(), 1u);
  c = connection_slot::take(count, 2);  // the old slot is given back, the new one held
  EXPECT_TRUE(c.held());
  EXPECT_EQ(count.load(), 1u);
  c.reset();
  c.reset();  // idempotent
  EXPECT_EQ(count.load(), 0u);
}

}  // namespace
}  // namespace odin::gateway
