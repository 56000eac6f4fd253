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

namespace odin::gateway {
namespace {

using namespace std::chrono_literals;
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

template <class Pred>
bool wait_for(Pred pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(dispatcher, validates_numbers_per_channel_and_hands_each_record_to_every_shard) {
  fake_consumer consumer;
  std::atomic<int> wakes{0};
  shard_inbox a(64, [&] { ++wakes; }), b(64, [&] { ++wakes; });
  dispatcher d(consumer, {&a, &b});
  consumer.push(model::kind::trade, "BTC", R"({"p":1})", 11);
  consumer.push(model::kind::trade, "BTC", R"({"p":2})", 12);
  consumer.push(model::kind::trade, "ETH", R"({"p":3})", 13);
  consumer.push(model::kind::liquidity, "BTC", R"({"p":4})", 14);
  consumer.push(model::kind::trade, "B$C", R"({"p":5})", 15);  // key not a token
  consumer.push(model::kind::trade, "BTC", R"({"p":)", 16);    // value not JSON
  consumer.push(model::kind::trade, "BTC", R"([6])", 17);
  for (int i = 0; i < 10 && consumer.handed() < 7; ++i) d.run_once(50ms);

  // pos: kind:partition:offset:check (the fake consumer numbers every record, invalid ones too)
  auto pos = [](model::kind k, int64_t offset, std::string_view key, int64_t ts_us,
                std::string_view value) {
    char text[protocol::max_position_size];
    const protocol::stream_position p{k, 0, offset,
                                      protocol::record_check(key, ts_us / 1000, value)};
    return std::string(text, protocol::write_position(p, text));
  };
  const std::vector<std::string> expected = {
      R"({"type":"event","channel":"BTC.trade","seq":1,"ts":11,"pos":")" +
          pos(model::kind::trade, 0, "BTC", 11, R"({"p":1})") + R"(","data":{"p":1}})",
      R"({"type":"event","channel":"BTC.trade","seq":2,"ts":12,"pos":")" +
          pos(model::kind::trade, 1, "BTC", 12, R"({"p":2})") + R"(","data":{"p":2}})",
      R"({"type":"event","channel":"ETH.trade","seq":1,"ts":13,"pos":")" +
          pos(model::kind::trade, 2, "ETH", 13, R"({"p":3})") + R"(","data":{"p":3}})",
      R"({"type":"event","channel":"BTC.liquidity","seq":1,"ts":14,"pos":")" +
          pos(model::kind::liquidity, 3, "BTC", 14, R"({"p":4})") + R"(","data":{"p":4}})",
      R"({"type":"event","channel":"BTC.trade","seq":3,"ts":17,"pos":")" +
          pos(model::kind::trade, 6, "BTC", 17, R"([6])") + R"(","data":[6]})",
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
  EXPECT_EQ(d.stats().invalid.value(), 2u);
  EXPECT_EQ(d.stats().broadcasts.value(), 5u);
  EXPECT_GE(wakes.load(), 2);
  EXPECT_EQ(consumer.pauses(), 0);
}

TEST(dispatcher, full_inbox_pauses_waits_and_resumes_without_loss) {
  fake_consumer consumer;
  shard_inbox inbox(2, [] {});
  dispatcher d(consumer, {&inbox});
  constexpr int total = 40;
  for (int i = 0; i < total; ++i) consumer.push(model::kind::trade, "BTC", std::to_string(i), i);
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

TEST(dispatcher, stop_returns_while_blocked_on_a_full_inbox) {
  fake_consumer consumer;
  shard_inbox inbox(2, [] {});
  dispatcher d(consumer, {&inbox});
  for (int i = 0; i < 10; ++i) consumer.push(model::kind::trade, "BTC", "1", i);
  d.start();
  ASSERT_TRUE(wait_for([&] { return d.paused(); }, 5s));
  const auto t0 = std::chrono::steady_clock::now();
  d.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_EQ(pop_all(inbox).size(), 2u);  // the two it could hand over; the rest were released
}

}  // namespace
}  // namespace odin::gateway
