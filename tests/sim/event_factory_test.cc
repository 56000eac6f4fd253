#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/event_type.h"
#include "sim/event_factory.h"
#include "sim/event_mix.h"
#include "sim/options.h"

namespace odin::sim {
namespace {

using model::event_type;
using json = nlohmann::json;

// The fields each type must carry (besides type, tokenId, timestamp) and their JSON type.
enum class jt { number, integer, string, boolean };

const std::map<event_type, std::vector<std::pair<std::string, jt>>>& expected_fields() {
  static const std::map<event_type, std::vector<std::pair<std::string, jt>>> fields = {
      {event_type::trade_executed,
       {{"price", jt::number},
        {"volume", jt::number},
        {"side", jt::string},
        {"amount", jt::number}}},
      {event_type::buy_completed,
       {{"price", jt::number},
        {"volume", jt::number},
        {"side", jt::string},
        {"amount", jt::number}}},
      {event_type::sell_completed,
       {{"price", jt::number},
        {"volume", jt::number},
        {"side", jt::string},
        {"amount", jt::number}}},
      {event_type::liquidity_added, {{"btcAmount", jt::number}, {"tokenAmount", jt::number}}},
      {event_type::liquidity_removed, {{"btcAmount", jt::number}, {"tokenAmount", jt::number}}},
      {event_type::liquidity_rebalanced,
       {{"btcAmount", jt::number}, {"tokenAmount", jt::number}, {"ratio", jt::number}}},
      {event_type::metadata_updated, {{"name", jt::string}, {"description", jt::string}}},
      {event_type::token_name_changed, {{"name", jt::string}, {"previousName", jt::string}}},
      {event_type::token_flags_changed,
       {{"verified", jt::boolean}, {"featured", jt::boolean}, {"nsfw", jt::boolean}}},
      {event_type::twitter_verified, {{"twitterHandle", jt::string}, {"verified", jt::boolean}}},
      {event_type::social_links_updated,
       {{"twitter", jt::string}, {"telegram", jt::string}, {"website", jt::string}}},
      {event_type::comment_posted,
       {{"commentId", jt::string}, {"text", jt::string}, {"author", jt::string}}},
      {event_type::comment_pinned, {{"commentId", jt::string}, {"pinned", jt::boolean}}},
      {event_type::comment_upvoted, {{"commentId", jt::string}, {"upvotes", jt::integer}}},
      {event_type::favorite_toggled, {{"userId", jt::string}, {"favorite", jt::boolean}}},
      {event_type::token_created,
       {{"name", jt::string},
        {"symbol", jt::string},
        {"creator", jt::string},
        {"supply", jt::integer}}},
      {event_type::token_listed,
       {{"name", jt::string}, {"symbol", jt::string}, {"price", jt::number}}},
      {event_type::price_delta_updated,
       {{"priceChange24h", jt::number}, {"volume24h", jt::number}, {"holders", jt::integer}}},
      {event_type::holder_count_updated, {{"holders", jt::integer}, {"change", jt::integer}}},
      {event_type::analytics_recalculated,
       {{"priceChange24h", jt::number}, {"volume24h", jt::number}, {"holders", jt::integer}}},
      {event_type::trending_updated, {{"rank", jt::integer}, {"score", jt::number}}},
      {event_type::balance_updated,
       {{"userId", jt::string}, {"balance", jt::number}, {"change", jt::number}}},
      {event_type::transfer_completed,
       {{"from", jt::string}, {"to", jt::string}, {"amount", jt::number}}},
  };
  return fields;
}

bool has_type(const json& v, jt t) {
  switch (t) {
    case jt::number:
      return v.is_number();
    case jt::integer:
      return v.is_number_integer();
    case jt::string:
      return v.is_string() && !v.get<std::string>().empty();
    case jt::boolean:
      return v.is_boolean();
  }
  return false;
}

TEST(EventFactory, EveryTypeIsValidJsonWithItsFields) {
  ASSERT_EQ(expected_fields().size(), model::event_type_count);
  rng gen(42);
  for (event_type t : model::all_event_types()) {
    for (const char* token : {"BTC", "T0001", "a_b-C"}) {
      for (int i = 0; i < 50; ++i) {
        const std::string text = make_event(t, token, 1700000000123, gen);
        SCOPED_TRACE(text);
        const json doc = json::parse(text);  // throws (fails the test) if not JSON
        ASSERT_TRUE(doc.is_object());
        EXPECT_EQ(doc.at("type"), std::string(model::to_string(t)));
        EXPECT_EQ(doc.at("tokenId"), token);
        EXPECT_TRUE(doc.at("timestamp").is_number_integer());
        EXPECT_EQ(doc.at("timestamp").get<int64_t>(), 1700000000123);
        const auto& fields = expected_fields().at(t);
        EXPECT_EQ(doc.size(), fields.size() + 3) << "unexpected extra fields";
        for (const auto& [name, type] : fields) {
          ASSERT_TRUE(doc.contains(name)) << name;
          EXPECT_TRUE(has_type(doc.at(name), type)) << name;
        }
      }
    }
  }
}

TEST(EventFactory, TradeFieldsFollowThePlansRanges) {
  rng gen(7);
  std::set<std::string> sides;
  for (int i = 0; i < 2000; ++i) {
    const json trade = json::parse(make_event(event_type::trade_executed, "BTC", 1, gen));
    const double price = trade.at("price"), volume = trade.at("volume"),
                 amount = trade.at("amount");
    EXPECT_GE(price, 10.0);
    EXPECT_LE(price, 110.0);
    EXPECT_GE(volume, 0.0);
    EXPECT_LE(volume, 1000.0);
    EXPECT_GE(amount, 0.0);
    EXPECT_LE(amount, 10.0);
    sides.insert(trade.at("side"));
  }
  EXPECT_EQ(sides, (std::set<std::string>{"buy", "sell"}));
  EXPECT_EQ(json::parse(make_event(event_type::buy_completed, "X", 1, gen)).at("side"), "buy");
  EXPECT_EQ(json::parse(make_event(event_type::sell_completed, "X", 1, gen)).at("side"), "sell");
  const json meta = json::parse(make_event(event_type::metadata_updated, "ODIN", 99, gen));
  EXPECT_EQ(meta.at("name"), "ODIN Token");
  EXPECT_EQ(meta.at("description"), "Updated at 99");
}

TEST(EventFactory, SameSeedSameEventsAndAppendReusesTheBuffer) {
  rng a(5), b(5);
  std::string buffer = "prefix";
  append_event(buffer, event_type::balance_updated, "ETH", 10, a);
  EXPECT_EQ(buffer, "prefix" + make_event(event_type::balance_updated, "ETH", 10, b));
}

// SIM_USERS: user ids are user1 .. user<users>; the default keeps the plan's user1..user999.
std::set<std::string> user_ids(int64_t users, int draws) {
  rng gen(9);
  std::set<std::string> seen;
  for (int i = 0; i < draws; ++i) {
    const json e = users == 0
                       ? json::parse(make_event(event_type::balance_updated, "BTC", 1, gen))
                       : json::parse(make_event(event_type::balance_updated, "BTC", 1, gen, users));
    seen.insert(e.at("userId").get<std::string>());
  }
  return seen;
}

TEST(EventFactory, UserIdsComeFromUser1ToTheConfiguredCount) {
  EXPECT_EQ(user_ids(3, 300), (std::set<std::string>{"user1", "user2", "user3"}));
  EXPECT_EQ(user_ids(1, 10), (std::set<std::string>{"user1"}));
  const auto plan = user_ids(0, 20000);  // default: 999 users, each drawn ~20 times
  EXPECT_EQ(plan.size(), 999u);
  EXPECT_TRUE(plan.contains("user1"));
  EXPECT_TRUE(plan.contains("user999"));
  const auto many = user_ids(10000, 100000);
  EXPECT_GT(many.size(), 9900u);
  EXPECT_TRUE(std::all_of(many.begin(), many.end(), [](const std::string& u) {
    const long n = std::stol(u.substr(4));
    return u.starts_with("user") && n >= 1 && n <= 10000;
  }));
  EXPECT_EQ(options{}.users, 999);
}

TEST(EventMix, CoversAllKindsAndKeepsThePlansRatios) {
  std::map<model::kind, unsigned> per_kind;
  for (const auto& w : event_mix()) per_kind[model::kind_of(w.type)] += w.weight;
  ASSERT_EQ(per_kind.size(), model::kind_count);
  EXPECT_EQ(event_mix_total_weight(), 20u);
  // The plan (docs/plan.md): trades 3, analytics 2, liquidity / metadata / comments 1 each.
  EXPECT_EQ(per_kind[model::kind::trade], 3 * per_kind[model::kind::liquidity]);
  EXPECT_EQ(per_kind[model::kind::analytics], 2 * per_kind[model::kind::liquidity]);
  EXPECT_EQ(per_kind[model::kind::metadata], per_kind[model::kind::liquidity]);
  EXPECT_EQ(per_kind[model::kind::community], per_kind[model::kind::liquidity]);
}

TEST(EventMix, DrawsFollowTheWeights) {
  rng gen(1234);
  constexpr int draws = 200000;
  std::map<event_type, int> seen;
  for (int i = 0; i < draws; ++i) ++seen[pick_event_type(gen)];
  EXPECT_EQ(seen.size(), event_mix().size());
  for (const auto& w : event_mix()) {
    const double expected = draws * double(w.weight) / event_mix_total_weight();
    EXPECT_NEAR(seen[w.type], expected, expected * 0.05) << model::to_string(w.type);
  }
}

}  // namespace
}  // namespace odin::sim
