#include "loadtest/reconnect_plan.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

namespace odin::loadtest {
namespace {

options base() {
  options o;
  o.target = 100;
  o.duration_s = 10;
  return o;
}

TEST(ReconnectPlan, NothingUnlessAsked) {
  EXPECT_TRUE(plan_reconnects(base(), 100).empty());
  EXPECT_EQ(check_reconnect_options(base()), "");
}

TEST(ReconnectPlan, PeriodicRoundsDrawThePercentOfClients) {
  options o = base();
  o.reconnect_percent = 10;
  o.reconnect_every_s = 3;
  const auto plan = plan_reconnects(o, 100);
  ASSERT_EQ(plan.size(), 30u);  // rounds at 3, 6, 9 s; 10 clients each
  for (std::size_t round = 0; round < 3; ++round) {
    std::set<std::size_t> clients;
    for (std::size_t i = round * 10; i < round * 10 + 10; ++i) {
      EXPECT_DOUBLE_EQ(plan[i].at_s, 3.0 * static_cast<double>(round + 1));
      EXPECT_LT(plan[i].client, 100u);
      EXPECT_FALSE(plan[i].burst);
      clients.insert(plan[i].client);
    }
    EXPECT_EQ(clients.size(), 10u) << "distinct clients within a round";
  }
  o.seed = 2;
  const auto other = plan_reconnects(o, 100);
  bool differs = false;
  for (std::size_t i = 0; i < plan.size(); ++i) differs |= plan[i].client != other[i].client;
  EXPECT_TRUE(differs) << "the seed chooses the clients";
  EXPECT_EQ(plan_reconnects(o, 100)[0].client, other[0].client) << "repeatable";
}

TEST(ReconnectPlan, BurstSpreadsItsClientsOverItsSpan) {
  options o = base();
  o.reconnect_burst = 50;
  o.reconnect_burst_within_s = 1;  // at the window's middle by default
  const auto plan = plan_reconnects(o, 100);
  ASSERT_EQ(plan.size(), 50u);
  std::set<std::size_t> clients;
  for (const auto& r : plan) {
    EXPECT_TRUE(r.burst);
    EXPECT_GE(r.at_s, 5.0);
    EXPECT_LT(r.at_s, 6.0);
    clients.insert(r.client);
  }
  EXPECT_EQ(clients.size(), 50u);
  EXPECT_DOUBLE_EQ(plan.front().at_s, 5.0);
  EXPECT_DOUBLE_EQ(plan.back().at_s, 5.0 + 49.0 / 50.0);
}

TEST(ReconnectPlan, OptionsAreChecked) {
  options o = base();
  o.reconnect_percent = 120;
  EXPECT_NE(check_reconnect_options(o), "");
  o.reconnect_percent = 10;
  o.reconnect_every_s = 0;
  EXPECT_NE(check_reconnect_options(o), "");
  o.reconnect_every_s = 2;
  EXPECT_EQ(check_reconnect_options(o), "");
  o.protocol = protocol_kind::nats;
  EXPECT_NE(check_reconnect_options(o), "") << "the peers have no positions";
  o = base();
  o.reconnect_burst = 101;
  EXPECT_NE(check_reconnect_options(o), "");
  o.reconnect_burst = 10;
  o.reconnect_burst_at_s = 9.5;
  o.reconnect_burst_within_s = 1;
  EXPECT_NE(check_reconnect_options(o), "") << "the burst must end inside the window";
  o.reconnect_burst_at_s = 2;
  EXPECT_EQ(check_reconnect_options(o), "");
}

TEST(ReconnectPlan, ResubscribeCarriesTheLastPositions) {
  std::vector<std::string> channels;
  for (int i = 0; i < 150; ++i) channels.push_back("T" + std::to_string(i) + ".trade");
  const auto requests = resubscribe_requests(
      channels, {{"T3.trade", "trade:1:5:00000001"}, {"T120.trade", "trade:0:9:00000002"}});
  ASSERT_EQ(requests.size(), 2u);
  const auto a = nlohmann::json::parse(requests[0]);
  const auto b = nlohmann::json::parse(requests[1]);
  EXPECT_EQ(a["type"], "subscribe");
  EXPECT_EQ(a["channels"].size(), 100u);
  EXPECT_EQ(b["channels"].size(), 50u);
  EXPECT_EQ(a["since"], (nlohmann::json{{"T3.trade", "trade:1:5:00000001"}}));
  EXPECT_EQ(b["since"], (nlohmann::json{{"T120.trade", "trade:0:9:00000002"}}));
  EXPECT_FALSE(nlohmann::json::parse(resubscribe_requests({"A.trade"}, {})[0]).contains("since"));
}

}  // namespace
}  // namespace odin::loadtest
