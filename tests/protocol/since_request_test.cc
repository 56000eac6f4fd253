// subscribe's recovery fields: "since", "snapshot", "mode" (docs/protocol.md §4, §7).
#include <gtest/gtest.h>

#include <string>

#include "protocol/client_protocol.h"

namespace odin::protocol {
namespace {

const protocol_limits limits;

TEST(ParseRequest, SinceMapsChannelsOfTheRequestToPositions) {
  auto r = parse_request(
      R"({"type":"subscribe","bundle":"PRICE_ONLY","tokens":["BTC"],"channels":["ETH.trade"],)"
      R"("since":{"ETH.trade":"trade:4:17:0000abcd","BTC.analytics":"analytics:0:0:ffffffff"},)"
      R"("snapshot":true,"mode":"latest","id":3})",
      limits);
  ASSERT_TRUE(r) << r.error().message;
  const request& req = r.value();
  ASSERT_EQ(req.channels.size(), 3u);  // BTC.trade, BTC.analytics, ETH.trade
  ASSERT_EQ(req.since.size(), 2u);
  EXPECT_EQ(req.since[0].channel, 1u);  // channel order, not the order in "since"
  EXPECT_EQ(req.since[0].pos, (stream_position{model::kind::analytics, 0, 0, 0xffffffffu}));
  EXPECT_EQ(req.since[1].channel, 2u);
  EXPECT_EQ(req.since[1].pos, (stream_position{model::kind::trade, 4, 17, 0xabcdu}));
  EXPECT_TRUE(req.snapshot);
  EXPECT_TRUE(req.latest);
}

TEST(ParseRequest, DefaultsAreExactWithoutSnapshotOrSince) {
  auto r = parse_request(R"({"type":"subscribe","channels":["BTC.trade"],"mode":"exact",)"
                         R"("snapshot":false,"since":{}})",
                         limits);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value().since.empty());
  EXPECT_FALSE(r.value().snapshot);
  EXPECT_FALSE(r.value().latest);
}

TEST(ParseRequest, PositionsThatAreNotOursAreInvalidPosition) {
  for (const char* pos : {"", "garbage", "trade:1:2", "trade:1:-2:0000abcd",
                          "liquidity:1:2:0000abcd" /* another kind */, "trade:1:2:0000ABCD"}) {
    auto r = parse_request(std::string(R"({"type":"subscribe","channels":["BTC.trade"],)") +
                               R"("since":{"BTC.trade":")" + pos + R"("},"id":9})",
                           limits);
    ASSERT_FALSE(r) << pos;
    EXPECT_EQ(r.error().code, error_code::invalid_position) << pos;
    EXPECT_EQ(r.error().id_json, "9");
  }
  EXPECT_EQ(to_string(error_code::invalid_position), "invalid_position");
}

TEST(ParseRequest, RecoveryFieldsOfTheWrongShapeAreInvalidRequest) {
  for (const char* extra :
       {R"("since":[])", R"("since":{"BTC.trade":1})", R"("since":"trade:1:2:0000abcd")",
        R"("since":{"ETH.trade":"trade:1:2:0000abcd"})" /* not a channel of the request */,
        R"("since":{"BTC.nope":"trade:1:2:0000abcd"})", R"("snapshot":1)", R"("snapshot":"true")",
        R"("mode":"fast")", R"("mode":1)"}) {
    auto r = parse_request(
        std::string(R"({"type":"subscribe","channels":["BTC.trade"],)") + extra + "}", limits);
    ASSERT_FALSE(r) << extra;
    EXPECT_EQ(r.error().code, error_code::invalid_request) << extra;
  }
}

TEST(ParseRequest, UnsubscribeIgnoresRecoveryFields) {
  auto r = parse_request(R"({"type":"unsubscribe","channels":["BTC.trade"],"since":[],)"
                         R"("snapshot":"x","mode":7})",
                         limits);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value().since.empty());
}

TEST(Render, SubscribedWithRecovered) {
  EXPECT_EQ(render_subscribed({"BTC.trade", "ETH.trade"}, "1",
                              {{"BTC.trade", true}, {"ETH.trade", false}}),
            R"({"type":"subscribed","channels":["BTC.trade","ETH.trade"],)"
            R"("recovered":{"BTC.trade":true,"ETH.trade":false},"id":1})");
}

}  // namespace
}  // namespace odin::protocol
