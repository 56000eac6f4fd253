#include "gateway/history.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace odin::gateway {
namespace {

frame* make(std::string_view token, int64_t offset, int64_t ts_us = 1'000'000,
            std::string_view data = "{}") {
  const protocol::stream_position pos{model::kind::trade, 0, offset,
                                      static_cast<uint32_t>(offset * 7 + 1)};
  // refs = 2: one for the history, one the test keeps to watch the count.
  return render_event({token, model::kind::trade, 1, ts_us, data, {}, pos, {}}, 2);
}

std::vector<int64_t> offsets(const std::vector<frame*>& frames) {
  std::vector<int64_t> out;
  for (const frame* f : frames) out.push_back(f->offset());
  return out;
}

void release_all(std::vector<frame*>& frames) {
  for (frame* f : frames) f->release();
  frames.clear();
}

TEST(History, AfterReturnsTheFramesFollowingAHeldRecord) {
  history h({3, std::chrono::milliseconds(60000), 1 << 20});
  std::vector<frame*> mine;
  for (int64_t o : {10, 12, 15, 20}) mine.push_back(make("BTC", o));
  mine.push_back(make("ETH", 11));
  h.append(mine, 1'000'000);
  std::vector<frame*> out;
  EXPECT_EQ(h.after("BTC.trade", 15, 15 * 7 + 1, out), history::lookup::found);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{20}));
  release_all(out);
  EXPECT_EQ(h.after("BTC.trade", 20, 20 * 7 + 1, out), history::lookup::found);
  EXPECT_TRUE(out.empty());
  // 10 was dropped (3 per channel): older than what is held.
  EXPECT_EQ(h.after("BTC.trade", 10, 10 * 7 + 1, out), history::lookup::unknown);
  EXPECT_EQ(h.after("BTC.trade", 21, 0, out), history::lookup::unknown);            // newer
  EXPECT_EQ(h.after("BTC.trade", 15, 12345, out), history::lookup::mismatch);       // other epoch
  EXPECT_EQ(h.after("BTC.trade", 13, 13 * 7 + 1, out), history::lookup::mismatch);  // not ours
  EXPECT_EQ(h.after("SOL.trade", 1, 8, out), history::lookup::unknown);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(mine[0]->refs(), 1u) << "the dropped frame's history reference was given back";
  EXPECT_EQ(mine[3]->refs(), 2u);
  frame* latest = h.latest("BTC.trade");
  ASSERT_NE(latest, nullptr);
  EXPECT_EQ(latest->offset(), 20);
  latest->release();
  EXPECT_EQ(h.latest("SOL.trade"), nullptr);
  EXPECT_EQ(h.frames(), 4u);
  for (frame* f : mine) f->release();
}

TEST(History, BytesAndAgeAreCappedOldestFirst) {
  const std::string big(1000, 'x');
  const std::string data = "\"" + big + "\"";
  history h({100, std::chrono::milliseconds(10000), 4000});
  std::vector<frame*> mine;
  for (int64_t o = 0; o < 10; ++o) mine.push_back(make(o % 2 ? "A" : "B", o, 1'000'000, data));
  h.append(mine, 1'000'000);
  EXPECT_LE(h.bytes(), 4000u);
  EXPECT_GT(h.frames(), 0u);
  std::vector<frame*> out;
  EXPECT_EQ(h.after("B.trade", 0, 1, out), history::lookup::unknown) << "oldest went first";
  EXPECT_EQ(h.after("A.trade", 9, 9 * 7 + 1, out), history::lookup::found);
  // Eleven seconds later everything is past the TTL.
  std::vector<frame*> later{make("C", 100, 12'000'000)};
  h.append(later, 12'000'000);
  EXPECT_EQ(h.frames(), 1u);
  EXPECT_EQ(h.after("A.trade", 9, 9 * 7 + 1, out), history::lookup::unknown);
  for (frame* f : mine) EXPECT_EQ(f->refs(), 1u);
  for (frame* f : mine) f->release();
  later[0]->release();
}

TEST(History, StaleBookkeepingStaysBoundedOnAHotChannel) {
  history h({2, std::chrono::milliseconds(600000), 1 << 20});
  for (int64_t o = 0; o < 20000; ++o) {
    frame* f = make("HOT", o);
    h.append(std::span<frame* const>(&f, 1), 1'000'000);
    f->release();
  }
  EXPECT_EQ(h.frames(), 2u);
  EXPECT_LT(h.bytes(), 2000u) << "entries of dropped frames do not pile up";
}

}  // namespace
}  // namespace odin::gateway
