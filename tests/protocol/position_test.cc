#include "protocol/position.h"

#include <gtest/gtest.h>

#include <string>

namespace odin::protocol {
namespace {

std::string text_of(const stream_position& p) {
  char buf[max_position_size];
  return std::string(buf, write_position(p, buf));
}

TEST(Position, RoundTripsAtTheLimits) {
  for (const stream_position p :
       {stream_position{model::kind::trade, 0, 0, 0},
        stream_position{model::kind::community, 2147483647, 9223372036854775807, 0xffffffffu},
        stream_position{model::kind::balances, 11, 1042, 0x9f3a2b11u}}) {
    const std::string text = text_of(p);
    EXPECT_LE(text.size(), max_position_size);
    const auto back = parse_position(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, p) << text;
  }
  EXPECT_EQ(text_of({model::kind::trade, 3, 1042, 0x9f3a2b11u}), "trade:3:1042:9f3a2b11");
}

TEST(Position, RefusesAnythingItDidNotWrite) {
  for (const char* bad :
       {"", "trade", "trade:1:2", "trade:1:2:3:4", "trades:1:2:9f3a2b11", "trade:-1:2:9f3a2b11",
        "trade:1:-2:9f3a2b11", "trade:01:2:9f3a2b11", "trade:1:02:9f3a2b11", "trade:1:2:9F3A2B11",
        "trade:1:2:9f3a2b1", "trade:1:2:9f3a2b111", "trade:+1:2:9f3a2b11", "trade: 1:2:9f3a2b11",
        "trade:2147483648:2:9f3a2b11", "trade:1:9223372036854775808:00000000", "trade:1:2:9f3a2b1g",
        "Trade:1:2:9f3a2b11"}) {
    EXPECT_FALSE(parse_position(bad).has_value()) << bad;
  }
}

TEST(Position, CheckDependsOnKeyTimestampAndValue) {
  const uint32_t base = record_check("BTC", 1700000000000, R"({"a":1})");
  EXPECT_EQ(base, record_check("BTC", 1700000000000, R"({"a":1})"));
  EXPECT_NE(base, record_check("ETH", 1700000000000, R"({"a":1})"));
  EXPECT_NE(base, record_check("BTC", 1700000000001, R"({"a":1})"));
  EXPECT_NE(base, record_check("BTC", 1700000000000, R"({"a":2})"));
}

}  // namespace
}  // namespace odin::protocol
