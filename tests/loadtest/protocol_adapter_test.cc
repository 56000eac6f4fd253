#include "loadtest/protocol_adapter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace odin::loadtest {
namespace {

struct recorder final : message_sink {
  std::vector<std::tuple<std::string, uint64_t, int64_t>> events;
  int confirmations = 0, replies = 0, errors = 0;
  uint32_t recovered = 0, not_recovered = 0;
  std::string sent, last_pos;
  void on_event(const event_view& e) override {
    events.emplace_back(std::string(e.channel), e.seq, e.ts_us);
    last_pos = e.pos;
  }
  void on_recovered(uint32_t t, uint32_t f) override {
    recovered += t;
    not_recovered += f;
  }
  void on_confirmation() override { ++confirmations; }
  void on_reply() override { ++replies; }
  void on_request_error() override { ++errors; }
  void send_text(std::string_view t) override { sent += t; }
};

bool feed(protocol_adapter& a, const std::string& msg, std::string& carry, recorder& r) {
  std::string padded = msg + std::string(64, '\0');  // what the read buffer guarantees
  return a.on_message(std::string_view(padded.data(), msg.size()), padded.size(), carry, r);
}

TEST(OdinAdapter, EventsRepliesAndErrors) {
  auto a = make_adapter(protocol_kind::odin);
  recorder r;
  std::string carry;
  ASSERT_TRUE(feed(*a, R"({"type":"subscribed","channels":["BTC.trade"],"id":1})", carry, r));
  ASSERT_TRUE(feed(
      *a,
      R"({"type":"event","channel":"BTC.trade","seq":17,"ts":1732280000123456,"data":{"type":"TRADE_EXECUTED","seq":99,"ts":1}})",
      carry, r));
  ASSERT_TRUE(
      feed(*a, R"({"type":"error","code":"unknown_bundle","message":"x","id":2})", carry, r));
  ASSERT_TRUE(feed(*a, R"({"type":"pong"})", carry, r));
  EXPECT_FALSE(feed(*a, R"({"type":"event","channel":"BTC.trade"})", carry, r));
  EXPECT_FALSE(feed(*a, "not json", carry, r));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0], std::make_tuple(std::string("BTC.trade"), 17ull, 1732280000123456ll));
  EXPECT_EQ(r.confirmations, 1);
  EXPECT_EQ(r.errors, 1);
  EXPECT_EQ(r.replies, 1);
}

TEST(OdinAdapter, PositionsAndRecoveredCounts) {
  auto a = make_adapter(protocol_kind::odin);
  recorder r;
  std::string carry;
  ASSERT_TRUE(feed(
      *a,
      R"({"type":"subscribed","channels":["A.trade","B.trade","C.trade"],"recovered":{"A.trade":true,"B.trade":false,"C.trade":true},"id":1})",
      carry, r));
  EXPECT_EQ(r.recovered, 2u);
  EXPECT_EQ(r.not_recovered, 1u);
  EXPECT_EQ(r.confirmations, 1);
  ASSERT_TRUE(feed(
      *a,
      R"({"type":"event","channel":"A.trade","seq":3,"ts":9,"pos":"trade:1:42:0a0b0c0d","data":{}})",
      carry, r));
  EXPECT_EQ(r.last_pos, "trade:1:42:0a0b0c0d");
  ASSERT_TRUE(feed(*a, R"({"type":"subscribed","channels":["D.trade"],"id":2})", carry, r));
  EXPECT_EQ(r.recovered + r.not_recovered, 3u) << "no recovered member: nothing counted";
  EXPECT_FALSE(feed(*a, R"({"type":"subscribed","recovered":{"A.trade":1}})", carry, r));
}

TEST(SimpleAdapter, EventsAndSubscribedReply) {
  auto a = make_adapter(protocol_kind::simple);
  recorder r;
  std::string carry;
  ASSERT_TRUE(feed(*a, R"({"subscribed":3})", carry, r));
  ASSERT_TRUE(feed(*a, R"({"channel":"T0001.analytics","seq":5,"ts":77,"data":{}})", carry, r));
  ASSERT_TRUE(feed(*a, R"({"error":"bad channel"})", carry, r));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(std::get<0>(r.events[0]), "T0001.analytics");
  EXPECT_EQ(r.confirmations, 1);
  EXPECT_EQ(r.errors, 1);
}

TEST(NatsAdapter, ParsesMessagesSplitAnywhereAcrossFrames) {
  const std::string payload =
      R"({"seq":42,"ts":1700000000000001,"data":{"type":"TRADE_EXECUTED"}})";
  const std::string stream = "INFO {\"server_id\":\"x\"}\r\nPING\r\nMSG odin.token.BTC.trade 1 " +
                             std::to_string(payload.size()) + "\r\n" + payload +
                             "\r\nPONG\r\nMSG odin.token.ETH.liquidity 2 " +
                             std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  for (std::size_t cut = 1; cut < stream.size(); cut += 7) {
    auto a = make_adapter(protocol_kind::nats);
    recorder r;
    std::string carry;
    ASSERT_TRUE(feed(*a, stream.substr(0, cut), carry, r)) << cut;
    ASSERT_TRUE(feed(*a, stream.substr(cut), carry, r)) << cut;
    ASSERT_EQ(r.events.size(), 2u) << cut;
    EXPECT_EQ(std::get<0>(r.events[0]), "BTC.trade");
    EXPECT_EQ(std::get<1>(r.events[0]), 42u);
    EXPECT_EQ(std::get<2>(r.events[0]), 1700000000000001);
    EXPECT_EQ(std::get<0>(r.events[1]), "ETH.liquidity");
    EXPECT_EQ(r.sent, "PONG\r\n");
    EXPECT_EQ(r.confirmations, 1);
    EXPECT_TRUE(carry.empty());
  }
}

TEST(NatsAdapter, ErrAndForeignSubjects) {
  auto a = make_adapter(protocol_kind::nats);
  recorder r;
  std::string carry;
  ASSERT_TRUE(feed(*a, "-ERR 'Unknown Protocol Operation'\r\n", carry, r));
  EXPECT_EQ(r.errors, 1);
  EXPECT_FALSE(feed(*a, "MSG other.subject 1 2\r\n{}\r\n", carry, r));
}

}  // namespace
}  // namespace odin::loadtest
