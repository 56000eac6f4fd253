#include <gtest/gtest.h>

#include <set>
#include <string>

#include "model/bundle.h"
#include "model/channel.h"
#include "model/event_type.h"
#include "model/kind.h"
#include "model/topic_map.h"

namespace odin::model {
namespace {

TEST(Kind, NamesRoundTripAndTopicsAreThePlans) {
  const std::set<std::string> topics = {"odin.trades",    "odin.liquidity", "odin.metadata",
                                        "odin.social",    "odin.community", "odin.creation",
                                        "odin.analytics", "odin.balances"};
  std::set<std::string> seen;
  for (kind k : all_kinds) {
    EXPECT_EQ(parse_kind(to_string(k)), k);
    seen.insert(std::string(default_topic(k)));
  }
  EXPECT_EQ(seen, topics);
  EXPECT_EQ(default_topic(kind::trade), "odin.trades");
  EXPECT_EQ(to_string(kind::balances), "balances");
  EXPECT_FALSE(parse_kind("trades"));
  EXPECT_FALSE(parse_kind("Trade"));
  EXPECT_FALSE(parse_kind(""));
}

TEST(EventType, AllTwentyThreeMapToThePlansTopics) {
  const std::pair<const char*, const char*> plan[] = {
      {"TRADE_EXECUTED", "odin.trades"},          {"BUY_COMPLETED", "odin.trades"},
      {"SELL_COMPLETED", "odin.trades"},          {"LIQUIDITY_ADDED", "odin.liquidity"},
      {"LIQUIDITY_REMOVED", "odin.liquidity"},    {"LIQUIDITY_REBALANCED", "odin.liquidity"},
      {"METADATA_UPDATED", "odin.metadata"},      {"TOKEN_NAME_CHANGED", "odin.metadata"},
      {"TOKEN_FLAGS_CHANGED", "odin.metadata"},   {"TWITTER_VERIFIED", "odin.social"},
      {"SOCIAL_LINKS_UPDATED", "odin.social"},    {"COMMENT_POSTED", "odin.community"},
      {"COMMENT_PINNED", "odin.community"},       {"COMMENT_UPVOTED", "odin.community"},
      {"FAVORITE_TOGGLED", "odin.community"},     {"TOKEN_CREATED", "odin.creation"},
      {"TOKEN_LISTED", "odin.creation"},          {"PRICE_DELTA_UPDATED", "odin.analytics"},
      {"HOLDER_COUNT_UPDATED", "odin.analytics"}, {"ANALYTICS_RECALCULATED", "odin.analytics"},
      {"TRENDING_UPDATED", "odin.analytics"},     {"BALANCE_UPDATED", "odin.balances"},
      {"TRANSFER_COMPLETED", "odin.balances"},
  };
  ASSERT_EQ(all_event_types().size(), std::size(plan));
  topic_map topics;
  std::set<std::string> names;
  for (const auto& [name, topic] : plan) {
    const auto t = parse_event_type(name);
    ASSERT_TRUE(t) << name;
    EXPECT_EQ(to_string(*t), name);
    EXPECT_EQ(topics.topic_of(*t), topic) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), 23u);
  for (event_type t : all_event_types()) EXPECT_TRUE(names.count(std::string(to_string(t))));
  EXPECT_FALSE(parse_event_type("trade_executed"));
  EXPECT_FALSE(parse_event_type("TRADE"));
}

TEST(Bundle, SixBundlesExpandAsInThePlan) {
  EXPECT_EQ(all_bundles().size(), 6u);
  auto kinds = [](const char* name) {
    std::vector<kind> out;
    for (kind k : kinds_of(*parse_bundle(name))) out.push_back(k);
    return out;
  };
  using enum kind;
  EXPECT_EQ(kinds("TRADING"), (std::vector<kind>{trade, liquidity, analytics}));
  EXPECT_EQ(kinds("FULL_MARKET"), (std::vector<kind>{trade, liquidity, analytics, metadata}));
  EXPECT_EQ(kinds("COMMUNITY"), (std::vector<kind>{community, social, metadata}));
  EXPECT_EQ(kinds("PORTFOLIO"), (std::vector<kind>{trade, analytics, balances}));
  EXPECT_EQ(kinds("PRICE_ONLY"), (std::vector<kind>{trade, analytics}));
  EXPECT_EQ(kinds("ALL").size(), 8u);
  EXPECT_TRUE(kind_set_of(bundle::trading).contains(liquidity));
  EXPECT_FALSE(kind_set_of(bundle::trading).contains(balances));
  EXPECT_FALSE(parse_bundle("trading"));
  EXPECT_FALSE(parse_bundle("EVERYTHING"));
  for (bundle b : all_bundles()) EXPECT_EQ(parse_bundle(to_string(b)), b);
}

TEST(Token, ValidationEdgeCases) {
  EXPECT_TRUE(validate_token("BTC"));
  EXPECT_TRUE(validate_token("a"));
  EXPECT_TRUE(validate_token("my-token_2"));
  EXPECT_TRUE(validate_token(std::string(32, 'X')));
  EXPECT_EQ(validate_token("").error(), token_error::empty);
  EXPECT_EQ(validate_token(std::string(33, 'X')).error(), token_error::too_long);
  EXPECT_EQ(validate_token("BT C").error(), token_error::bad_character);
  EXPECT_EQ(validate_token("BTC.X").error(), token_error::bad_character);
  EXPECT_EQ(validate_token("B\xC3\xA9").error(), token_error::bad_character);
  EXPECT_EQ(validate_token(std::string_view("B\0C", 3)).error(), token_error::bad_character);
}

TEST(Channel, ParseAndFormat) {
  const auto c = parse_channel("BTC.trade");
  ASSERT_TRUE(c);
  EXPECT_EQ(c.value().token, "BTC");
  EXPECT_EQ(c.value().kind, kind::trade);
  EXPECT_EQ(format_channel(c.value()), "BTC.trade");
  EXPECT_EQ(format_channel("ETH", kind::analytics), "ETH.analytics");
  EXPECT_EQ(parse_channel("BTC").error(), channel_error::missing_separator);
  EXPECT_EQ(parse_channel("").error(), channel_error::missing_separator);
  EXPECT_EQ(parse_channel(".trade").error(), channel_error::invalid_token);
  EXPECT_EQ(parse_channel("A.B.trade").error(), channel_error::invalid_token);
  EXPECT_EQ(parse_channel("BTC.").error(), channel_error::unknown_kind);
  EXPECT_EQ(parse_channel("BTC.trades").error(), channel_error::unknown_kind);
  EXPECT_EQ(parse_channel("BTC.TRADE").error(), channel_error::unknown_kind);
  for (kind k : all_kinds) {
    const auto r = parse_channel(format_channel("x-1", k));
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().kind, k);
  }
}

TEST(TopicMap, OverridesAndValidation) {
  topic_map m;
  EXPECT_EQ(m.kind_of_topic("odin.trades"), kind::trade);
  EXPECT_FALSE(m.kind_of_topic("odin.nothing"));
  EXPECT_EQ(m.validate(), "");
  m.set(kind::trade, "prod.trades");
  EXPECT_EQ(m.kind_of_topic("prod.trades"), kind::trade);
  EXPECT_FALSE(m.kind_of_topic("odin.trades"));
  EXPECT_EQ(m.all_topics().size(), 8u);
  m.set(kind::balances, "prod.trades");
  EXPECT_NE(m.validate().find("KAFKA_TOPIC_BALANCES"), std::string::npos);
  m.set(kind::balances, "");
  EXPECT_NE(m.validate().find("empty"), std::string::npos);
}

}  // namespace
}  // namespace odin::model
