#include <gtest/gtest.h>

#include "config/value_parsers.h"

namespace odin::config {
namespace {

using namespace std::chrono_literals;

TEST(GoDuration, AcceptsGoForms) {
  EXPECT_EQ(parse_go_duration("15s"), 15s);
  EXPECT_EQ(parse_go_duration("500ms"), 500ms);
  EXPECT_EQ(parse_go_duration("1m"), 1min);
  EXPECT_EQ(parse_go_duration("1m30s"), 90s);
  EXPECT_EQ(parse_go_duration("1.5h"), 90min);
  EXPECT_EQ(parse_go_duration("2h45m"), 165min);
  EXPECT_EQ(parse_go_duration(".5s"), 500ms);
  EXPECT_EQ(parse_go_duration("0"), 0ns);
  EXPECT_EQ(parse_go_duration("100us"), 100us);
  EXPECT_EQ(parse_go_duration("100\xC2\xB5s"), 100us);
  EXPECT_EQ(parse_go_duration("7ns"), 7ns);
}

TEST(GoDuration, RefusesOtherForms) {
  for (const char* bad :
       {"", "15", "s", "-1s", "+1s", "1d", "1.5.5s", "abc", "1 s", "1S", "1sec", "1e3s", "5m-1s"}) {
    EXPECT_FALSE(parse_go_duration(bad)) << bad;
  }
}

TEST(ByteSize, AcceptsPlainAndSuffixed) {
  EXPECT_EQ(parse_byte_size("1048576"), 1048576u);
  EXPECT_EQ(parse_byte_size("512KiB"), 512u * 1024);
  EXPECT_EQ(parse_byte_size("512kib"), 512u * 1024);
  EXPECT_EQ(parse_byte_size("512Ki"), 512u * 1024);
  EXPECT_EQ(parse_byte_size("64MiB"), 64u << 20);
  EXPECT_EQ(parse_byte_size("14.5GiB"), 15569256448u);
  EXPECT_EQ(parse_byte_size("64MB"), 64'000'000u);
  EXPECT_EQ(parse_byte_size("1k"), 1000u);
  EXPECT_EQ(parse_byte_size("2G"), 2'000'000'000u);
  EXPECT_EQ(parse_byte_size("1TiB"), uint64_t{1} << 40);
  EXPECT_EQ(parse_byte_size("100B"), 100u);
  EXPECT_EQ(parse_byte_size("100 MiB"), 100u << 20);
}

TEST(ByteSize, RefusesGarbage) {
  for (const char* bad :
       {"", "abc", "12XB", "-5", "MiB", "1.2.3", "5 5", "1e9", "99999999999TiB"}) {
    EXPECT_FALSE(parse_byte_size(bad)) << bad;
  }
}

TEST(Parsers, WholeNumbersAndRanges) {
  EXPECT_EQ(parse_whole("12000", 1, 1'000'000), 12000u);
  EXPECT_EQ(parse_whole("0", 0, 5), 0u);
  for (const char* bad : {"", "abc", "-1", "+1", "1.5", "12,000", "1e4", "0", "1000001", "12 "}) {
    EXPECT_THROW(parse_whole(bad, 1, 1'000'000), invalid_value) << bad;
  }
  try {
    parse_whole("abc", 1, 1000000);
  } catch (const invalid_value& e) {
    EXPECT_STREQ(e.what(), "expected a whole number from 1 to 1000000");
  }
}

TEST(Parsers, NumbersAboveZero) {
  EXPECT_DOUBLE_EQ(parse_number_above_zero("75.0", 100), 75.0);
  EXPECT_DOUBLE_EQ(parse_number_above_zero("100", 100), 100.0);
  EXPECT_DOUBLE_EQ(parse_number_above_zero("0.5", 100), 0.5);
  for (const char* bad : {"0", "-1", "100.01", "nan", "inf", "abc", "", "5%"}) {
    EXPECT_THROW(parse_number_above_zero(bad, 100), invalid_value) << bad;
  }
}

TEST(Parsers, DurationsWithinBounds) {
  EXPECT_EQ(parse_duration("15s", 10ms, 1h), 15s);
  EXPECT_THROW(parse_duration("5ms", 10ms, 1h), invalid_value);
  EXPECT_THROW(parse_duration("2h", 10ms, 1h), invalid_value);
  EXPECT_EQ(parse_duration_us("250us", 0us, 100ms), 250us);
  EXPECT_EQ(parse_duration_us("1.5ms", 0us, 100ms), 1500us);
  EXPECT_EQ(parse_duration_us("0", 0us, 100ms), 0us);
  EXPECT_THROW(parse_duration_us("7", 0us, 100ms), invalid_value);
  EXPECT_THROW(parse_duration_us("101ms", 0us, 100ms), invalid_value);
  try {
    parse_duration("soon", 10ms, 1h);
  } catch (const invalid_value& e) {
    EXPECT_STREQ(e.what(), "expected a duration from 10ms to 1h (e.g. 15s, 500ms, 1m30s)");
  }
}

TEST(Parsers, ListenAddressForms) {
  auto a = parse_listen_address(":3002");
  EXPECT_EQ(a.host, "0.0.0.0");
  EXPECT_EQ(a.port, 3002);
  a = parse_listen_address("127.0.0.1:0");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 0);
  a = parse_listen_address("localhost:65535");
  EXPECT_EQ(a.host, "localhost");
  EXPECT_EQ(a.port, 65535);
  a = parse_listen_address("[::1]:3002");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 3002);
  a = parse_listen_address("[::]:80");
  EXPECT_EQ(a.host, "::");
  for (const char* bad : {"", "3002", ":", ":65536", ":-1", "host:", "::1:3002", "[::1]",
                          "[::1]3002", "[]:1", "ho st:1", ":30a2", "[abc]:1"}) {
    EXPECT_THROW(parse_listen_address(bad), invalid_value) << bad;
  }
  EXPECT_EQ(format_listen_address({"0.0.0.0", 3002}), ":3002");
  EXPECT_EQ(format_listen_address({"::1", 3002}), "[::1]:3002");
  EXPECT_EQ(format_listen_address({"10.0.0.1", 1}), "10.0.0.1:1");
}

TEST(Parsers, BrokerLists) {
  EXPECT_EQ(parse_broker_list("localhost:19092"), "localhost:19092");
  EXPECT_EQ(parse_broker_list("a:9092, b:9093 ,c"), "a:9092,b:9093,c");
  EXPECT_EQ(parse_broker_list("[::1]:9092,SSL://kafka.example.com:9093"),
            "[::1]:9092,SSL://kafka.example.com:9093");
  for (const char* bad : {"", ",", "a:9092,", ":9092", "a:b", "a:70000", "a b:1"}) {
    EXPECT_THROW(parse_broker_list(bad), invalid_value) << bad;
  }
}

TEST(Parsers, TopicNames) {
  EXPECT_EQ(parse_topic_name("odin.trades"), "odin.trades");
  EXPECT_EQ(parse_topic_name("prod_odin-trades.v2"), "prod_odin-trades.v2");
  for (const std::string& bad :
       std::vector<std::string>{"", ".", "..", "with space", "a/b", std::string(250, 'a')}) {
    EXPECT_THROW(parse_topic_name(bad), invalid_value) << bad;
  }
}

TEST(Parsers, TokenLists) {
  EXPECT_EQ(parse_token_list("BTC,ETH, SOL"), (std::vector<std::string>{"BTC", "ETH", "SOL"}));
  EXPECT_EQ(parse_token_list("ODIN"), (std::vector<std::string>{"ODIN"}));
  for (const char* bad : {"", "BTC,", "BTC,,ETH", "E.TH", "BTC,BTC", "B TC"}) {
    EXPECT_THROW(parse_token_list(bad), invalid_value) << bad;
  }
  try {
    parse_token_list("BTC,E.TH");
  } catch (const invalid_value& e) {
    EXPECT_NE(std::string(e.what()).find("token \"E.TH\" is invalid"), std::string::npos)
        << e.what();
  }
}

TEST(Parsers, Choices) {
  EXPECT_EQ(parse_choice("lz4", {"none", "lz4"}), "lz4");
  try {
    parse_choice("LZ4", {"none", "lz4"});
    FAIL();
  } catch (const invalid_value& e) {
    EXPECT_STREQ(e.what(), "expected one of none, lz4");
  }
}

TEST(Parsers, Formatting) {
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(15s), "15s");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(168h), "168h");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration_us(250us), "250us");
  EXPECT_EQ(format_duration_us(1000us), "1ms");
  EXPECT_EQ(format_duration_us(0us), "0s");
  EXPECT_EQ(format_bytes(15569256448u), "14.5GiB");
  EXPECT_EQ(format_bytes(65536), "64KiB");
  EXPECT_EQ(format_bytes(1 << 20), "1MiB");
  EXPECT_EQ(format_bytes(1000), "1000");
  EXPECT_EQ(format_bytes(1025), "1025");
  // Every formatted value parses back to itself.
  for (uint64_t v : {uint64_t{15569256448u}, uint64_t{65536}, uint64_t{1000}, uint64_t{1536}}) {
    EXPECT_EQ(parse_byte_size(format_bytes(v)), v);
  }
  for (auto d : {0ms, 500ms, 90000ms, 1500ms, 3723000ms}) {
    EXPECT_EQ(parse_go_duration(format_duration(d)), d);
  }
}

}  // namespace
}  // namespace odin::config
