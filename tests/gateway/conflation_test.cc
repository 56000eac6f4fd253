// Conflation ("mode": "latest") in the outbound queue: a stalled client's queue stays bounded,
// the last frame of a conflatable channel is its newest event with the right "conflated" count,
// exact channels on the same queue keep every event in order, a partly written head is kept.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/frame.h"
#include "gateway/outbound_queue.h"
#include "gateway/shard_frame.h"

namespace odin::gateway {
namespace {

using json = nlohmann::json;

shard_frame* make(shard_frame_pool& pool, std::string_view token, model::kind kind, uint64_t seq) {
  const std::string data = R"({"price":")" + std::to_string(seq) + R"("})";
  return pool.adopt(render_event({token, kind, seq, 42, data, {}, {}, {}}, 1));
}

// The JSON payloads of every queued item, in order (each iovec is one whole item when nothing
// is partly written).
std::vector<json> queued(const outbound_queue& q) {
  std::vector<iovec> iov(q.items());
  std::size_t total = 0;
  const std::size_t n = q.gather(iov.data(), iov.size(), total);
  std::vector<json> out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view b(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
    const std::size_t header = (static_cast<uint8_t>(b[1]) & 0x7F) < 126 ? 2 : 4;
    out.push_back(json::parse(b.substr(header)));
  }
  return out;
}

// What the session does for a conflatable channel (session::queue_latest).
std::size_t deliver_latest(outbound_queue& q, shard_frame* f, std::size_t limit) {
  if (q.bytes() <= limit / 2) {
    q.push(f);
    return 0;
  }
  return q.push_latest(f);
}

TEST(Conflation, StalledClientStaysBoundedNewestLastExactKept) {
  shard_frame_pool pool;
  outbound_queue q(pool);
  const std::size_t limit = 4096;
  std::size_t removed = 0;
  std::size_t max_bytes = 0;
  uint64_t trade_seq = 0;
  for (uint64_t seq = 1; seq <= 2000; ++seq) {  // the client reads nothing
    removed += deliver_latest(q, make(pool, "BTC", model::kind::analytics, seq), limit);
    removed += deliver_latest(q, make(pool, "ETH", model::kind::analytics, seq), limit);
    if (seq % 100 == 0) q.push(make(pool, "BTC", model::kind::trade, ++trade_seq));  // exact
    max_bytes = std::max(max_bytes, q.bytes());
  }
  EXPECT_LT(max_bytes, limit / 2 + 2 * 200 + 20 * 200);  // half + one frame per channel + trades
  const std::vector<json> frames = queued(q);
  ASSERT_EQ(frames.size(), q.items());

  uint64_t next_trade = 1;
  json last_btc;
  json last_eth;
  std::size_t delivered_latest = 0;
  uint64_t skipped = 0;
  for (const json& f : frames) {
    const std::string channel = f.at("channel");
    if (channel == "BTC.trade") {
      EXPECT_EQ(f.at("seq").get<uint64_t>(), next_trade++);  // every one, in order
      EXPECT_FALSE(f.contains("conflated"));
      continue;
    }
    ++delivered_latest;
    if (f.contains("conflated")) skipped += f.at("conflated").get<uint64_t>();
    (channel == "BTC.analytics" ? last_btc : last_eth) = f;
  }
  EXPECT_EQ(next_trade, 21u);
  EXPECT_EQ(last_btc.at("seq").get<uint64_t>(), 2000u);
  EXPECT_EQ(last_eth.at("seq").get<uint64_t>(), 2000u);
  EXPECT_EQ(last_btc.at("data").at("price"), "2000");
  // Nothing lost without a trace: delivered + skipped = published; the metric counts the rest.
  EXPECT_EQ(delivered_latest + skipped, 4000u);
  EXPECT_EQ(removed, skipped);
  // Past the half mark (the exact trades alone fill it) every delivery conflates.
  EXPECT_GE(last_btc.value("conflated", uint64_t{0}), 1u);
  EXPECT_GE(last_eth.value("conflated", uint64_t{0}), 1u);
  q.clear();
  EXPECT_EQ(pool.live(), 0u);
}

TEST(Conflation, NothingPendingKeepsTheSharedFrame) {
  shard_frame_pool pool;
  outbound_queue q(pool);
  shard_frame* f = make(pool, "BTC", model::kind::analytics, 1);
  EXPECT_EQ(q.push_latest(f), 0u);
  iovec iov[1];
  std::size_t total = 0;
  ASSERT_EQ(q.gather(iov, 1, total), 1u);
  EXPECT_EQ(iov[0].iov_base, f->f->bytes().data());  // not copied
  EXPECT_EQ(q.bytes(), f->f->size());
}

TEST(Conflation, APartlyWrittenHeadFrameIsNeverReplaced) {
  shard_frame_pool pool;
  outbound_queue q(pool);
  shard_frame* head = make(pool, "BTC", model::kind::analytics, 1);
  const std::string head_bytes(head->f->bytes());
  q.push(head);
  q.push(make(pool, "BTC", model::kind::analytics, 2));
  q.consume(5);  // five bytes of the head are on the wire
  EXPECT_EQ(q.push_latest(make(pool, "BTC", model::kind::analytics, 3)), 1u);
  ASSERT_EQ(q.items(), 2u);
  iovec iov[2];
  std::size_t total = 0;
  ASSERT_EQ(q.gather(iov, 2, total), 2u);
  EXPECT_EQ(std::string(static_cast<char*>(iov[0].iov_base), iov[0].iov_len), head_bytes.substr(5));
  const std::string_view tail(static_cast<char*>(iov[1].iov_base), iov[1].iov_len);
  const json last = json::parse(tail.substr(2));
  EXPECT_EQ(last.at("seq"), 3);
  EXPECT_EQ(last.at("conflated"), 1);  // seq 2 only; seq 1 is being written
  EXPECT_EQ(q.bytes(), total);
  const consumed c = q.consume(total);
  EXPECT_EQ(c.events, 2u);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(pool.live(), 0u);
}

}  // namespace
}  // namespace odin::gateway
