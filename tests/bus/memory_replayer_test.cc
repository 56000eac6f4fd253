// replayer::latest over the memory logs: the newest accepted record of each key, searched
// backwards in windows, bounded in depth; what the gateway's bus snapshots rely on.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "bus/memory_bus.h"
#include "bus/memory_replayer.h"

namespace odin::bus {
namespace {

using namespace std::chrono_literals;

memory_bus one_partition() {
  memory_options o;
  o.partitions = 1;
  return memory_bus(o);
}

std::vector<latest_answer> latest(memory_replayer& r, const std::vector<std::string>& keys,
                                  std::size_t depth, const record_accept& accept) {
  return r.latest(model::kind::trade, keys, accept, depth, std::chrono::steady_clock::now() + 5s);
}

const record_accept everything = [](const record&) { return true; };

TEST(MemoryReplayerLatest, NewestRecordOfEachKeyAcrossWindows) {
  memory_bus bus = one_partition();
  ASSERT_TRUE(bus.append(model::kind::trade, "OLD", "old-1").has_value());
  ASSERT_TRUE(bus.append(model::kind::trade, "OLD", "old-2").has_value());
  for (int i = 0; i < 1000; ++i) {  // many windows of other keys after OLD's records
    ASSERT_TRUE(bus.append(model::kind::trade, "NEW", "new-" + std::to_string(i)).has_value());
  }
  memory_replayer r(bus);
  const auto a = latest(r, {"OLD", "NEW", "OLD", "NONE"}, 10000, everything);
  ASSERT_EQ(a.size(), 4u);
  ASSERT_TRUE(a[0].record);
  EXPECT_EQ(a[0].status, replay_status::ok);
  EXPECT_EQ(a[0].record->value, "old-2");
  EXPECT_EQ(a[0].record->offset, 1);
  ASSERT_TRUE(a[1].record);
  EXPECT_EQ(a[1].record->value, "new-999");
  EXPECT_EQ(a[1].record->offset, 1001);
  ASSERT_TRUE(a[2].record);
  EXPECT_EQ(a[2].record->value, "old-2") << "a repeated key gets the same answer";
  EXPECT_EQ(a[3].status, replay_status::ok) << "searched to the oldest record";
  EXPECT_FALSE(a[3].record);
}

TEST(MemoryReplayerLatest, DepthBoundsTheSearch) {
  memory_bus bus = one_partition();
  ASSERT_TRUE(bus.append(model::kind::trade, "QUIET", "q").has_value());
  for (int i = 0; i < 500; ++i)
    ASSERT_TRUE(bus.append(model::kind::trade, "BUSY", "b").has_value());
  memory_replayer r(bus);
  EXPECT_FALSE(latest(r, {"QUIET"}, 500, everything)[0].record) << "501 records back";
  const auto found = latest(r, {"QUIET"}, 501, everything);
  ASSERT_TRUE(found[0].record);
  EXPECT_EQ(found[0].record->offset, 0);
}

TEST(MemoryReplayerLatest, SkipsRecordsTheCheckRefuses) {
  memory_bus bus = one_partition();
  ASSERT_TRUE(bus.append(model::kind::trade, "K", "good-1").has_value());
  ASSERT_TRUE(bus.append(model::kind::trade, "K", "good-2").has_value());
  ASSERT_TRUE(bus.append(model::kind::trade, "K", "bad").has_value());
  ASSERT_TRUE(bus.append(model::kind::liquidity, "K", "other kind").has_value());
  memory_replayer r(bus);
  const auto a = latest(r, {"K"}, 100, [](const record& rec) {
    EXPECT_EQ(rec.kind, model::kind::trade);
    return rec.value != "bad";
  });
  ASSERT_TRUE(a[0].record);
  EXPECT_EQ(a[0].record->value, "good-2");
}

TEST(MemoryReplayerLatest, PastTheDeadlineIsTimedOut) {
  memory_bus bus = one_partition();
  ASSERT_TRUE(bus.append(model::kind::trade, "K", "v").has_value());
  memory_replayer r(bus);
  const auto a =
      r.latest(model::kind::trade, {"K"}, everything, 100, std::chrono::steady_clock::now() - 1s);
  EXPECT_EQ(a[0].status, replay_status::timed_out);
  EXPECT_FALSE(a[0].record);
}

}  // namespace
}  // namespace odin::bus
