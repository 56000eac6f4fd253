// Frame rendering, frame ownership (frame_ref, shard_frame_pool) and the outbound queue.
#include <gtest/gtest.h>

#include <climits>
#include <string>

#include "gateway/frame.h"
#include "gateway/outbound_queue.h"
#include "gateway/shard_frame.h"

namespace odin::gateway {
namespace {

std::string header(std::size_t payload) {
  std::string h(1, '\x81');
  if (payload < 126) {
    h.push_back(static_cast<char>(payload));
  } else if (payload < 65536) {
    h.push_back('\x7E');
    h.push_back(static_cast<char>(payload >> 8));
    h.push_back(static_cast<char>(payload & 0xFF));
  } else {
    h.push_back('\x7F');
    for (int i = 7; i >= 0; --i) h.push_back(static_cast<char>((payload >> (8 * i)) & 0xFF));
  }
  return h;
}

TEST(Frame, RendersHeaderAndEnvelopeExactly) {
  const std::string data = R"({"type":"TRADE_EXECUTED","price":"1.5"})";
  frame_ref f(render_event({"BTC", model::kind::trade, 17, 1700000000123456, data, {}, {}, {}}, 1));
  const std::string payload =
      R"({"type":"event","channel":"BTC.trade","seq":17,"ts":1700000000123456,"pos":"trade:0:0:00000000","data":)" +
      data + "}";
  EXPECT_EQ(f->bytes(), header(payload.size()) + payload);
  EXPECT_EQ(f->channel(), "BTC.trade");
  EXPECT_EQ(f->ts_us(), 1700000000123456);
  EXPECT_TRUE(f->owner().empty());
  EXPECT_EQ(f->size(), f->bytes().size());
}

TEST(Frame, DataIsVerbatimAndLongPayloadsGetExtendedLengths) {
  for (std::size_t n : {100u, 200u, 70000u}) {
    const std::string data = "\"" + std::string(n, 'x') + "\\u00e9 \"";  // kept as is
    frame_ref f(render_event({"tok_1-A", model::kind::balances, 1, 5, data, {}, {}, {}}, 1));
    const std::string payload =
        R"({"type":"event","channel":"tok_1-A.balances","seq":1,"ts":5,"pos":"trade:0:0:00000000","data":)" +
        data + "}";
    EXPECT_EQ(f->bytes(), header(payload.size()) + payload) << n;
    EXPECT_EQ(f->channel(), "tok_1-A.balances");
  }
}

TEST(Frame, PosIsRenderedOnceAndFlaggedCopiesKeepEverythingElse) {
  const protocol::stream_position pos{model::kind::analytics, 7, 123456789012, 0x0a0b0c0du};
  frame_ref f(render_event({"SOL", model::kind::analytics, 3, 9, "{}", {}, pos, {}}, 1));
  const std::string payload =
      R"({"type":"event","channel":"SOL.analytics","seq":3,"ts":9,"pos":"analytics:7:123456789012:0a0b0c0d","data":{}})";
  EXPECT_EQ(f->bytes(), header(payload.size()) + payload);
  EXPECT_EQ(f->payload(), payload);
  EXPECT_EQ(f->offset(), 123456789012);
  EXPECT_EQ(f->check(), 0x0a0b0c0du);
  const std::string flagged = render_flagged(*f, R"(,"snapshot":true)");
  const std::string flagged_payload =
      R"({"type":"event","channel":"SOL.analytics","seq":3,"ts":9,"pos":"analytics:7:123456789012:0a0b0c0d","snapshot":true,"data":{}})";
  EXPECT_EQ(flagged, header(flagged_payload.size()) + flagged_payload);
}

TEST(Frame, OwnerIsCarriedAfterTheWireBytes) {
  frame_ref f(render_event({"BTC", model::kind::balances, 1, 1, "{}", "user-7", {}, {}}, 1));
  EXPECT_EQ(f->owner(), "user-7");
  EXPECT_EQ(f->bytes().back(), '}');
}

TEST(Frame, ReferencesAreReleasedOnceEach) {
  frame* f = render_event({"BTC", model::kind::trade, 1, 1, "1", {}, {}, {}}, 3);
  EXPECT_EQ(f->refs(), 3u);
  f->release();
  f->release();
  EXPECT_EQ(f->refs(), 1u);
  frame_ref last(f);
  frame_ref moved(std::move(last));
  EXPECT_EQ(last.get(), nullptr);
  EXPECT_EQ(moved->refs(), 1u);
}  // `moved` frees it (ASan/valgrind would see a leak or a double free)

TEST(ShardFramePool, GivesTheFrameBackAfterTheLastHolder) {
  shard_frame_pool pool;
  frame* f = render_event({"BTC", model::kind::trade, 1, 1, "1", {}, {}, {}}, 2);
  frame_ref other_shard(f);  // the second reference
  shard_frame* sf = pool.adopt(f);
  pool.hold(sf);
  pool.hold(sf);
  EXPECT_EQ(pool.live(), 1u);
  pool.drop(sf);
  pool.drop(sf);
  EXPECT_EQ(f->refs(), 2u);  // still held once locally: the shard keeps its reference
  pool.drop(sf);
  EXPECT_EQ(f->refs(), 1u);
  EXPECT_EQ(pool.live(), 0u);
  // Nodes are recycled.
  frame* g = render_event({"ETH", model::kind::trade, 1, 1, "1", {}, {}, {}}, 1);
  EXPECT_EQ(pool.adopt(g), sf);
  pool.drop(sf);
}

TEST(OutboundQueue, GathersConsumesPartiallyAndCountsBytes) {
  shard_frame_pool pool;
  outbound_queue q(pool);
  frame* f = render_event({"BTC", model::kind::trade, 1, 42, "{}", {}, {}, {}}, 1);
  shard_frame* sf = pool.adopt(f);  // the queue takes over this holder
  q.push(std::string("hello"));
  q.push(sf);
  q.push(std::string("bye"));
  const std::size_t total_bytes = 5 + f->size() + 3;
  EXPECT_EQ(q.bytes(), total_bytes);

  iovec iov[8];
  std::size_t total = 0;
  ASSERT_EQ(q.gather(iov, 8, total), 3u);
  EXPECT_EQ(total, total_bytes);
  EXPECT_EQ(std::string(static_cast<char*>(iov[1].iov_base), iov[1].iov_len), f->bytes());

  consumed c = q.consume(3);  // inside "hello"
  EXPECT_EQ(c.items, 0u);
  ASSERT_EQ(q.gather(iov, 8, total), 3u);
  EXPECT_EQ(std::string(static_cast<char*>(iov[0].iov_base), iov[0].iov_len), "lo");

  c = q.consume(2 + f->size());
  EXPECT_EQ(c.items, 2u);
  EXPECT_EQ(c.events, 1u);
  EXPECT_EQ(c.oldest_event_ts_us, 42);
  EXPECT_EQ(pool.live(), 0u);  // the frame went back
  EXPECT_EQ(q.bytes(), 3u);
  EXPECT_EQ(q.gather(iov, 1, total), 1u);
  c = q.consume(3);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(OutboundQueue, DropUnstartedKeepsAPartlyWrittenHead) {
  shard_frame_pool pool;
  outbound_queue q(pool);
  for (int i = 0; i < 4; ++i) {
    q.push(pool.adopt(render_event({"BTC", model::kind::trade, 1, 1, "{}", {}, {}, {}}, 1)));
  }
  const std::size_t one = q.bytes() / 4;
  q.consume(1);
  q.drop_unstarted();
  EXPECT_EQ(q.items(), 1u);
  EXPECT_EQ(q.bytes(), one - 1);
  EXPECT_EQ(pool.live(), 1u);
  q.push(std::string("close"));
  q.clear();
  EXPECT_EQ(pool.live(), 0u);

  q.push(pool.adopt(render_event({"BTC", model::kind::trade, 1, 1, "{}", {}, {}, {}}, 1)));
  q.drop_unstarted();  // nothing started: everything goes
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(pool.live(), 0u);
}

TEST(OutboundQueue, CompactsWithoutLosingOrder) {
  shard_frame_pool pool;
  outbound_queue q(pool);
  for (int i = 0; i < 2000; ++i) {
    q.push(std::to_string(i) + ";");
    if (i % 2 == 1) {  // two in, one out: the head moves, the vector compacts
      iovec head[1];
      std::size_t size = 0;
      q.gather(head, 1, size);
      q.consume(size);
    }
  }
  iovec iov[IOV_MAX];
  std::size_t total = 0;
  const std::size_t n = q.gather(iov, IOV_MAX, total);
  ASSERT_EQ(n, 1000u);
  EXPECT_EQ(std::string(static_cast<char*>(iov[0].iov_base), iov[0].iov_len), "1000;");
  EXPECT_EQ(std::string(static_cast<char*>(iov[999].iov_base), iov[999].iov_len), "1999;");
}

}  // namespace
}  // namespace odin::gateway
