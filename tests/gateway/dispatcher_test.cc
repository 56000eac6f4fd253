// The dispatcher alone: validation, per-channel seq, one render per record handed to every
// inbox, and backpressure (pause, wait, resume, never drop).
#include "gateway/dispatcher.h"
#include "protocol/position.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gateway/fake_consumer.h"
#include "gateway/test_events.h"
#include "support/wait_for.h"

namespace odin::gateway {
namespace {

using namespace std::chrono_literals;
using model::kind;
using test::event_value;
using test::fake_consumer;

std::string payload_of(const frame& f) {
  std::string_view b = f.bytes();
  return std::string(b.substr(b.find('{')));
}

std::vector<frame_ref> pop_all(shard_inbox& inbox) {
  std::vector<frame_ref> out;
  frame* buf[64];
  inbox.begin_drain();
  while (std::size_t n = inbox.pop(buf, 64)) {
    for (std::size_t i = 0; i < n; ++i) out.emplace_back(buf[i]);
  }
  return out;
}

using ::odin::test::wait_for;

TEST(Dispatcher, ValidatesNumbersPerChannelAndHandsEachRecordToEveryShard) {
  fake_consumer consumer;
  std::atomic<int> wakes{0};
  shard_inbox a(64, [&] { ++wakes; }), b(64, [&] { ++wakes; });
  dispatcher d(consumer, {&a, &b});
  consumer.push(kind::trade, "BTC", event_value(kind::trade, "BTC", "1"), 11);
  consumer.push(kind::trade, "BTC", event_value(kind::trade, "BTC", "2"), 12);
  consumer.push(kind::trade, "ETH", event_value(kind::trade, "ETH", "3"), 13);
  consumer.push(kind::liquidity, "BTC", event_value(kind::liquidity, "BTC", "4"), 14);
  consumer.push(kind::trade, "B$C", event_value(kind::trade, "B$C", "5"), 15);  // bad key
  consumer.push(kind::trade, "BTC", R"({"p":)", 16);                            // not JSON
  consumer.push(kind::trade, "BTC", event_value(kind::trade, "BTC", "[6]"), 17);
  for (int i = 0; i < 10 && consumer.handed() < 7; ++i) d.run_once(50ms);

  // pos: kind:partition:offset:check (the fake consumer numbers every record, invalid ones too)
  auto frame_of = [](const char* channel, int seq, int ts, int64_t offset, kind k,
                     const char* token, const char* body) {
    const std::string value = event_value(k, token, body);
    char text[protocol::max_position_size];
    const protocol::stream_position p{k, 0, offset,
                                      protocol::record_check(token, ts / 1000, value)};
    return R"({"type":"event","channel":")" + std::string(channel) + R"(","seq":)" +
           std::to_string(seq) + R"(,"ts":)" + std::to_string(ts) + R"(,"pos":")" +
           std::string(text, protocol::write_position(p, text)) + R"(","data":)" + value + "}";
  };
  const std::vector<std::string> expected = {
      frame_of("BTC.trade", 1, 11, 0, kind::trade, "BTC", "1"),
      frame_of("BTC.trade", 2, 12, 1, kind::trade, "BTC", "2"),
      frame_of("ETH.trade", 1, 13, 2, kind::trade, "ETH", "3"),
      frame_of("BTC.liquidity", 1, 14, 3, kind::liquidity, "BTC", "4"),
      frame_of("BTC.trade", 3, 17, 6, kind::trade, "BTC", "[6]"),
  };
  std::vector<frame_ref> from_a = pop_all(a);
  std::vector<frame_ref> from_b = pop_all(b);
  ASSERT_EQ(from_a.size(), expected.size());
  ASSERT_EQ(from_b.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(payload_of(*from_a[i]), expected[i]);
    EXPECT_EQ(from_a[i].get(), from_b[i].get()) << "rendered once, shared";
    EXPECT_EQ(from_a[i]->refs(), 2u);
  }
  EXPECT_EQ(d.stats().received.value(), 7u);
  EXPECT_EQ(d.stats().dropped[static_cast<std::size_t>(drop_reason::invalid_key)].value(), 1u);
  EXPECT_EQ(d.stats().dropped[static_cast<std::size_t>(drop_reason::not_json)].value(), 1u);
  EXPECT_EQ(d.stats().broadcasts.value(), 5u);
  EXPECT_GE(wakes.load(), 2);
  EXPECT_EQ(consumer.pauses(), 0);
}

TEST(Dispatcher, FullInboxPausesWaitsAndResumesWithoutLoss) {
  fake_consumer consumer;
  shard_inbox inbox(2, [] {});
  dispatcher d(consumer, {&inbox});
  constexpr int total = 40;
  for (int i = 0; i < total; ++i) {
    consumer.push(kind::trade, "BTC", event_value(kind::trade, "BTC", std::to_string(i)), i);
  }
  d.start();
  std::vector<frame_ref> got;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (got.size() < total && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);  // a slow shard
    for (auto& f : pop_all(inbox)) got.push_back(std::move(f));
  }
  ASSERT_EQ(got.size(), static_cast<std::size_t>(total));
  for (int i = 0; i < total; ++i) {
    EXPECT_NE(payload_of(*got[i]).find("\"seq\":" + std::to_string(i + 1) + ","),
              std::string::npos);
  }
  EXPECT_GE(consumer.pauses(), 1);
  EXPECT_GE(d.stats().pauses.value(), 1u);
  EXPECT_TRUE(wait_for([&] { return !consumer.paused(); }, 5s)) << "resumed once drained";
  EXPECT_FALSE(d.paused());
  d.stop();
}

TEST(Dispatcher, StopReturnsWhileBlockedOnAFullInbox) {
  fake_consumer consumer;
  shard_inbox inbox(2, [] {});
  dispatcher d(consumer, {&inbox});
  for (int i = 0; i < 10; ++i)
    consumer.push(kind::trade, "BTC", event_value(kind::trade, "BTC", "1"), i);
  d.start();
  ASSERT_TRUE(wait_for([&] { return d.paused(); }, 5s));
  const auto t0 = std::chrono::steady_clock::now();
  d.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(pop_all(inbox).size(), 2u);  // the two it could hand over; the rest were released
}

}  // namespace
}  // namespace odin::gateway

namespace odin::gateway {
namespace {

// The single-shard path: each poll's frames go to the sink, which learns whether the poll was
// full (the bus holds more: the I/O thread is behind, flush_window.h opens its window).
TEST(Dispatcher, TheDirectSinkLearnsWhenAPollLeftRecordsWaiting) {
  fake_consumer consumer;
  dispatcher d(consumer, {});
  std::vector<std::pair<std::size_t, bool>> turns;
  d.deliver_directly([&](std::span<frame* const> frames, bool more) {
    turns.emplace_back(frames.size(), more);
    for (frame* f : frames) f->release();
  });
  const std::size_t total = dispatcher::max_batch + 10;
  for (std::size_t i = 0; i < total; ++i) {
    consumer.push(kind::trade, "BTC", event_value(kind::trade, "BTC", std::to_string(i)),
                  static_cast<int64_t>(i));
  }
  for (int i = 0; i < 10 && consumer.handed() < total; ++i) d.run_once(50ms);
  ASSERT_EQ(turns.size(), 2u);
  EXPECT_EQ(turns[0], std::make_pair(dispatcher::max_batch, true));
  EXPECT_EQ(turns[1], std::make_pair(std::size_t{10}, false));
}

}  // namespace
}  // namespace odin::gateway
