#include "loadtest/subscription_plan.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "loadtest/options.h"

namespace odin::loadtest {
namespace {

TEST(SubscriptionPlan, BundleOverEveryToken) {
  options o;
  o.tokens = {"BTC", "ETH"};
  subscription_plan plan(o);
  const auto p = plan.for_client(0);
  EXPECT_EQ(p.channels, (std::vector<std::string>{"BTC.trade", "BTC.liquidity", "BTC.analytics",
                                                  "ETH.trade", "ETH.liquidity", "ETH.analytics"}));
  const auto req = plan.requests(p);
  ASSERT_EQ(req.size(), 1u);
  const auto j = nlohmann::json::parse(req[0]);
  EXPECT_EQ(j["type"], "subscribe");
  EXPECT_EQ(j["bundle"], "TRADING");
  EXPECT_EQ(j["tokens"], (std::vector<std::string>{"BTC", "ETH"}));
  EXPECT_EQ(plan.confirmations(p), 1u);
}

TEST(SubscriptionPlan, KRandomTokensFromThePoolAreDeterministicPerClient) {
  options o;
  o.token_pool = 1000;
  o.tokens_per_client = 5;
  o.seed = 9;
  subscription_plan plan(o);
  std::set<std::string> all;
  for (std::size_t i = 0; i < 50; ++i) {
    const auto p = plan.for_client(i);
    ASSERT_EQ(p.tokens.size(), 5u);
    EXPECT_EQ(std::set<std::string>(p.tokens.begin(), p.tokens.end()).size(), 5u);
    EXPECT_EQ(p.tokens, plan.for_client(i).tokens);
    EXPECT_EQ(p.channels.size(), 15u);
    all.insert(p.tokens.begin(), p.tokens.end());
  }
  EXPECT_GT(all.size(), 150u) << "clients draw different tokens";
  EXPECT_EQ(plan.for_client(0).tokens[0].substr(0, 1), "T");
}

TEST(SubscriptionPlan, ChannelsModeKindsAndNamesAndOdinChunksOf100) {
  options o;
  o.mode = subscription_mode::channels;
  o.token_pool = 150;
  o.channels = {"trade", "X.balances"};
  subscription_plan plan(o);
  const auto p = plan.for_client(0);
  EXPECT_EQ(p.channels.size(), 151u);
  EXPECT_EQ(p.channels.back(), "X.balances");
  EXPECT_EQ(plan.requests(p).size(), 2u);
  EXPECT_EQ(plan.confirmations(p), 2u);
}

TEST(SubscriptionPlan, NatsAndSimpleMessages) {
  options o;
  o.tokens = {"BTC"};
  o.bundle = "PRICE_ONLY";
  o.protocol = protocol_kind::nats;
  subscription_plan nats(o);
  const auto p = nats.for_client(3);
  const auto req = nats.requests(p);
  ASSERT_EQ(req.size(), 1u);
  EXPECT_EQ(req[0],
            "CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1}\r\n"
            "SUB odin.token.BTC.trade 1\r\nSUB odin.token.BTC.analytics 2\r\nPING\r\n");
  o.protocol = protocol_kind::simple;
  subscription_plan simple(o);
  EXPECT_EQ(simple.requests(p)[0], R"({"subscribe":["BTC.trade","BTC.analytics"]})");
}

TEST(SubscriptionPlan, RefusesBadInput) {
  options o;
  o.bundle = "TRADNG";
  EXPECT_THROW(subscription_plan{o}, std::invalid_argument);
  o = options{};
  o.tokens = {"B.TC"};
  EXPECT_THROW(subscription_plan{o}, std::invalid_argument);
  o = options{};
  o.tokens_per_client = 4;  // only 3 tokens
  EXPECT_THROW(subscription_plan{o}, std::invalid_argument);
  o = options{};
  o.mode = subscription_mode::channels;
  o.channels = {"trades"};
  EXPECT_THROW(subscription_plan{o}, std::invalid_argument);
}

TEST(Options, ParsesUrlsAndSourceRanges) {
  auto u = parse_server_url("ws://127.0.0.1:3002/ws");
  ASSERT_TRUE(u);
  EXPECT_EQ(u.value().host, "127.0.0.1");
  EXPECT_EQ(u.value().port, 3002);
  EXPECT_EQ(u.value().target, "/ws");
  auto bare = parse_server_url("ws://localhost");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare.value().port, 80);
  EXPECT_EQ(bare.value().target, "/");
  EXPECT_FALSE(parse_server_url("http://x:1/"));
  EXPECT_FALSE(parse_server_url("ws://x:99999/"));
  auto ips = parse_source_ips("127.0.0.2-127.0.0.200");
  ASSERT_TRUE(ips);
  EXPECT_EQ(ips.value().size(), 199u);
  EXPECT_EQ(ips.value().front(), 0x7F000002u);
  EXPECT_EQ(ips.value().back(), 0x7F0000C8u);
  EXPECT_EQ(parse_source_ips("127.0.0.5,127.0.0.7-127.0.0.8").value().size(), 3u);
  EXPECT_FALSE(parse_source_ips("127.0.0.9-127.0.0.2"));
  EXPECT_FALSE(parse_source_ips("nope"));
}

}  // namespace
}  // namespace odin::loadtest
