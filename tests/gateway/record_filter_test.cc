// What reaches clients: only event objects of the record's topic whose tokenId is the key,
// each idempotency key once per topic within the window.
#include "gateway/record_filter.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "gateway/test_events.h"

namespace odin::gateway {
namespace {

using namespace std::chrono_literals;
using model::kind;
using clock = duplicate_window::clock;

bus::record rec(kind k, std::string_view key, std::string_view value,
                std::string_view idempotency_key = {}) {
  bus::record r{k, 0, 0, 0, 0, key, value};
  r.idempotency_key = idempotency_key;
  return r;
}

TEST(RecordFilter, ForwardsEventsOfTheTopicWhoseTokenIsTheKey) {
  record_filter f(0ms, 1);
  const auto t = clock::now();
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", test::event_value(kind::trade, "BTC", "{}")), t),
            std::nullopt);
  EXPECT_EQ(f.check(rec(kind::balances, "so_l-1",
                        R"({"timestamp":1.7e12,"tokenId":"so_l-1","type":"TRANSFER_COMPLETED"})"),
                    t),
            std::nullopt);
  // Extra fields of any type, nested, escaped strings: still an event.
  EXPECT_EQ(f.check(rec(kind::community, "X",
                        R"({"type":"COMMENT_POSTED","tokenId":"X","timestamp":1,)"
                        R"("text":"caf\u00e9 \"q\"","n":[1,{"a":null}]})"),
                    t),
            std::nullopt);
}

TEST(RecordFilter, DropsEverythingElseWithItsReason) {
  record_filter f(0ms, 1);
  const auto t = clock::now();
  struct bad {
    kind k;
    std::string key, value;
    drop_reason why;
  };
  const std::vector<bad> cases = {
      {kind::trade, "B$C", test::event_value(kind::trade, "B$C", "1"), drop_reason::invalid_key},
      {kind::trade, "", test::event_value(kind::trade, "", "1"), drop_reason::invalid_key},
      {kind::trade, "BTC", "", drop_reason::not_json},
      {kind::trade, "BTC", "{", drop_reason::not_json},
      {kind::trade, "BTC", "not json", drop_reason::not_json},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED"} trailing)", drop_reason::not_json},
      {kind::trade, "BTC", "{\"type\":\"\xff\"}", drop_reason::not_json},
      {kind::trade, "BTC", "17", drop_reason::not_object},
      {kind::trade, "BTC", R"("TRADE_EXECUTED")", drop_reason::not_object},
      {kind::trade, "BTC", "null", drop_reason::not_object},
      {kind::trade, "BTC", R"([{"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":1}])",
       drop_reason::not_object},
      {kind::trade, "BTC", R"({"tokenId":"BTC","timestamp":1})", drop_reason::unknown_type},
      {kind::trade, "BTC", R"({"type":7,"tokenId":"BTC","timestamp":1})",
       drop_reason::unknown_type},
      {kind::trade, "BTC", R"({"type":"trade_executed","tokenId":"BTC","timestamp":1})",
       drop_reason::unknown_type},
      {kind::trade, "BTC", R"({"type":"TRADE","tokenId":"BTC","timestamp":1})",
       drop_reason::unknown_type},
      {kind::trade, "BTC", R"({"type":"BALANCE_UPDATED","tokenId":"BTC","timestamp":1})",
       drop_reason::wrong_topic},
      {kind::balances, "BTC", test::event_value(kind::trade, "BTC", "1"), drop_reason::wrong_topic},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED","timestamp":1})", drop_reason::key_mismatch},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED","tokenId":"ETH","timestamp":1})",
       drop_reason::key_mismatch},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED","tokenId":"btc","timestamp":1})",
       drop_reason::key_mismatch},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED","tokenId":["BTC"],"timestamp":1})",
       drop_reason::key_mismatch},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED","tokenId":"BTC"})",
       drop_reason::bad_timestamp},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":"1"})",
       drop_reason::bad_timestamp},
  };
  for (const bad& c : cases) {
    const bus::record r = rec(c.k, c.key, c.value);
    const drop_reason why = c.why;
    const auto got = f.check(r, t);
    ASSERT_TRUE(got.has_value()) << r.value;
    EXPECT_EQ(std::string(drop_reason_names[static_cast<std::size_t>(*got)]),
              std::string(drop_reason_names[static_cast<std::size_t>(why)]))
        << r.value;
  }
  // The reused buffers still work after all that.
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", test::event_value(kind::trade, "BTC", "2")), t),
            std::nullopt);
}

TEST(RecordFilter, DropsARepeatedIdempotencyKeyWithinTheWindowPerTopic) {
  record_filter f(1min, 100);
  const auto t0 = clock::now();
  const std::string trade = test::event_value(kind::trade, "BTC", "1");
  const std::string balance = test::event_value(kind::balances, "BTC", "1");
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", trade, "req-1/0"), t0), std::nullopt);
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", trade, "req-1/0"), t0 + 30s), drop_reason::duplicate);
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", trade, "req-1/1"), t0 + 30s), std::nullopt);
  EXPECT_EQ(f.check(rec(kind::balances, "BTC", balance, "req-1/0"), t0 + 30s), std::nullopt)
      << "keys are per topic";
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", trade), t0 + 31s), std::nullopt) << "no key";
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", trade), t0 + 31s), std::nullopt) << "no key";
  // An invalid record with a known key is dropped as invalid, and does not spend the key.
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", "[]", "req-2"), t0 + 31s), drop_reason::not_object);
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", trade, "req-2"), t0 + 32s), std::nullopt);
  // The window runs from the first sighting; after it the key is new again.
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", trade, "req-1/0"), t0 + 61s), std::nullopt);
  EXPECT_EQ(f.check(rec(kind::trade, "BTC", trade, "req-1/0"), t0 + 62s), drop_reason::duplicate);
}

TEST(DuplicateWindow, MemoryIsBoundedOldestKeysGoFirst) {
  duplicate_window w(1h, 3);
  const auto t = clock::now();
  for (const char* k : {"a", "b", "c"}) EXPECT_FALSE(w.seen(kind::trade, k, t));
  EXPECT_EQ(w.size(), 3u);
  EXPECT_FALSE(w.seen(kind::trade, "d", t + 1s));  // evicts "a" before its window ended
  EXPECT_EQ(w.size(), 3u);
  EXPECT_EQ(w.evicted_early(), 1u);
  EXPECT_TRUE(w.seen(kind::trade, "b", t + 2s));
  EXPECT_TRUE(w.seen(kind::trade, "d", t + 2s));
  EXPECT_FALSE(w.seen(kind::trade, "a", t + 3s)) << "forgotten: capacity, not time";
  // Expiry by time empties it without counting early evictions.
  EXPECT_FALSE(w.seen(kind::trade, "e", t + 2h));
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.evicted_early(), 2u);
}

TEST(DuplicateWindow, ZeroWindowIsOff) {
  duplicate_window w(0ms, 10);
  const auto t = clock::now();
  EXPECT_FALSE(w.seen(kind::trade, "a", t));
  EXPECT_FALSE(w.seen(kind::trade, "a", t));
  EXPECT_EQ(w.size(), 0u);
}

}  // namespace
}  // namespace odin::gateway
