#include "gateway/subscription_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace odin::gateway {
namespace {

struct fake_session {
  int id;
};

using index_t = subscription_index<fake_session>;

std::vector<int> ids(std::span<fake_session* const> subs) {
  std::vector<int> out;
  for (const fake_session* s : subs) out.push_back(s->id);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SubscriptionIndex, AddFindsSubscribersPerChannel) {
  index_t index;
  fake_session a{1}, b{2};
  EXPECT_TRUE(index.add("BTC.trade", &a));
  EXPECT_TRUE(index.add("BTC.trade", &b));
  EXPECT_TRUE(index.add("ETH.trade", &b));
  EXPECT_EQ(ids(index.subscribers("BTC.trade")), (std::vector<int>{1, 2}));
  EXPECT_EQ(ids(index.subscribers("ETH.trade")), (std::vector<int>{2}));
  EXPECT_TRUE(index.subscribers("SOL.trade").empty());
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.channel_count(), 2u);
}

TEST(SubscriptionIndex, OverlappingAddKeepsOneEntry) {
  index_t index;
  fake_session a{1};
  EXPECT_TRUE(index.add("BTC.trade", &a));
  EXPECT_FALSE(index.add("BTC.trade", &a));  // e.g. bundle TRADING + channel BTC.trade
  EXPECT_EQ(index.subscribers("BTC.trade").size(), 1u);
  EXPECT_EQ(index.size(), 1u);
}

TEST(SubscriptionIndex, RemoveKeepsTheOthersAndForgetsEmptyChannels) {
  index_t index;
  std::vector<fake_session> s(5);
  for (int i = 0; i < 5; ++i) {
    s[i].id = i;
    index.add("BTC.trade", &s[i]);
  }
  EXPECT_TRUE(index.remove("BTC.trade", &s[1]));  // from the middle: swap with the last
  EXPECT_FALSE(index.remove("BTC.trade", &s[1]));
  EXPECT_TRUE(index.remove("BTC.trade", &s[4]));  // the last
  EXPECT_EQ(ids(index.subscribers("BTC.trade")), (std::vector<int>{0, 2, 3}));
  EXPECT_TRUE(index.contains("BTC.trade", &s[3]));
  EXPECT_FALSE(index.contains("BTC.trade", &s[4]));
  // Positions were updated by the swap: removing the moved one still works.
  EXPECT_TRUE(index.remove("BTC.trade", &s[3]));
  EXPECT_TRUE(index.remove("BTC.trade", &s[0]));
  EXPECT_TRUE(index.remove("BTC.trade", &s[2]));
  EXPECT_TRUE(index.subscribers("BTC.trade").empty());
  EXPECT_EQ(index.channel_count(), 0u);
  EXPECT_FALSE(index.remove("NOPE.trade", &s[0]));
}

TEST(SubscriptionIndex, RemovingAClosedSessionFromAllItsChannels) {
  index_t index;
  fake_session a{1}, b{2};
  const std::vector<std::string> held = {"BTC.trade", "BTC.liquidity", "ETH.trade"};
  for (const auto& c : held) {
    index.add(c, &a);
    index.add(c, &b);
  }
  for (const auto& c : held) EXPECT_TRUE(index.remove(c, &a));  // what session::leave_index does
  for (const auto& c : held) {
    EXPECT_EQ(ids(index.subscribers(c)), (std::vector<int>{2})) << c;
  }
  EXPECT_EQ(index.size(), 3u);
}

TEST(SubscriptionIndex, ShardsAreIndependent) {
  index_t shard0, shard1;
  fake_session a{1}, b{2};
  shard0.add("BTC.trade", &a);
  shard1.add("BTC.trade", &b);
  EXPECT_EQ(ids(shard0.subscribers("BTC.trade")), (std::vector<int>{1}));
  EXPECT_EQ(ids(shard1.subscribers("BTC.trade")), (std::vector<int>{2}));
  shard0.remove("BTC.trade", &a);
  EXPECT_TRUE(shard0.subscribers("BTC.trade").empty());
  EXPECT_EQ(ids(shard1.subscribers("BTC.trade")), (std::vector<int>{2}));
}

TEST(SubscriptionIndex, ManySubscribersRandomRemovalStaysConsistent) {
  index_t index;
  std::vector<fake_session> s(200);
  for (int i = 0; i < 200; ++i) {
    s[i].id = i;
    index.add("X.trade", &s[i]);
  }
  std::vector<int> expected;
  for (int i = 0; i < 200; ++i) {
    if (i % 3 == 0) {
      ASSERT_TRUE(index.remove("X.trade", &s[i]));
    } else {
      expected.push_back(i);
    }
  }
  EXPECT_EQ(ids(index.subscribers("X.trade")), expected);
  for (int i : expected) EXPECT_TRUE(index.contains("X.trade", &s[i]));
}

// The drain's iteration scope (shard::drain): iterating() is what sessions read as in_drain().
TEST(SubscriptionIndex, AnIterationScopeMarksTheIndexUntilItEnds) {
  index_t index;
  fake_session a{1};
  EXPECT_FALSE(index.iterating());
  {
    const auto walking = index.iterate();
    EXPECT_TRUE(index.iterating());
    EXPECT_TRUE(index.subscribers("BTC.trade").empty());  // reads are fine
  }
  EXPECT_FALSE(index.iterating());
  EXPECT_TRUE(index.add("BTC.trade", &a));  // and changes are again
  EXPECT_TRUE(index.remove("BTC.trade", &a));
}

// uWebSockets' checkIteratingSubscriber: a change while subscriber spans are being walked would
// let them dangle, so debug builds abort with a message.
TEST(SubscriptionIndexDeathTest, AddOrRemoveWhileIteratingAbortsInDebugBuilds) {
#ifdef NDEBUG
  GTEST_SKIP() << "the check aborts only without NDEBUG (the debug and asan presets run it)";
#else
  index_t index;
  fake_session a{1}, b{2};
  ASSERT_TRUE(index.add("BTC.trade", &a));
  EXPECT_DEATH(
      {
        const auto walking = index.iterate();
        index.add("BTC.trade", &b);
      },
      "add/remove while a drain iterates");
  EXPECT_DEATH(
      {
        const auto walking = index.iterate();
        index.remove("BTC.trade", &a);
      },
      "add/remove while a drain iterates");
  EXPECT_EQ(index.size(), 1u);  // the parent's index is untouched
#endif
}

}  // namespace
}  // namespace odin::gateway
