// The memory bus stays flat under an endless stream: retention by records, bytes and age,
// and consumers count what retention took from them.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "bus/memory_bus.h"

namespace odin::bus {
namespace {

using namespace std::chrono_literals;

void append_ok(memory_bus& bus, model::kind kind, const std::string& key,
               const std::string& value) {
  ASSERT_TRUE(bus.append(kind, key, value).has_value());
}

TEST(MemoryRetention, RecordLimitHoldsUnderMillionsOfRecords) {
  memory_options o;
  o.partitions = 4;
  o.retention_records = 1000;  // per partition
  memory_bus bus(o);
  const std::string value(40, 'v');
  std::size_t max_seen = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    append_ok(bus, model::kind::trade, "K" + std::to_string(i % 101), value);
    if (i % 50'000 == 0) max_seen = std::max(max_seen, bus.retained(model::kind::trade).records);
  }
  const auto end = bus.retained(model::kind::trade);
  EXPECT_LE(max_seen, 4u * 1000u);
  EXPECT_LE(end.records, 4u * 1000u);
  // Whole segments go, at most an eighth of the limit at a time.
  EXPECT_GE(end.records, 4u * 1000u * 7u / 8u);
  EXPECT_EQ(
      bus.log(model::kind::trade, 0).end_offset() + bus.log(model::kind::trade, 1).end_offset() +
          bus.log(model::kind::trade, 2).end_offset() + bus.log(model::kind::trade, 3).end_offset(),
      2'000'000);
}

TEST(MemoryRetention, ByteLimitHoldsPerTopic) {
  memory_options o;
  o.partitions = 4;
  o.retention_bytes = 256 * 1024;  // per topic
  memory_bus bus(o);
  for (int i = 0; i < 1'000'000; ++i) {
    // Sizes vary so byte accounting, not a record count, is what binds.
    const std::string value(static_cast<std::size_t>(16 + i % 200), 'v');
    append_ok(bus, model::kind::metadata, "K" + std::to_string(i % 53), value);
    if (i % 50'000 == 0) {
      EXPECT_LE(bus.retained(model::kind::metadata).bytes, 256u * 1024u);
    }
  }
  const auto end = bus.retained(model::kind::metadata);
  EXPECT_LE(end.bytes, 256u * 1024u);
  EXPECT_GT(end.bytes, 128u * 1024u);  // and it still keeps most of its budget
  EXPECT_EQ(bus.retained(model::kind::trade).records, 0u);
}

TEST(MemoryRetention, OldRecordsExpire) {
  memory_options o;
  o.partitions = 1;
  o.retention_time = 50ms;
  memory_bus bus(o);
  for (int i = 0; i < 100; ++i) append_ok(bus, model::kind::social, "K", "old");
  EXPECT_EQ(bus.retained(model::kind::social).records, 100u);
  std::this_thread::sleep_for(80ms);  // the passing of time is what is under test
  append_ok(bus, model::kind::social, "K", "new");
  EXPECT_EQ(bus.retained(model::kind::social).records, 1u);
}

TEST(MemoryRetention, ConsumerCountsWhatRetentionTook) {
  memory_options o;
  o.partitions = 2;
  o.retention_records = 800;
  memory_bus bus(o);
  auto c = bus.make_consumer();
  constexpr int total = 10'000;
  for (int i = 0; i < total; ++i) append_ok(bus, model::kind::trade, "BTC", std::to_string(i));
  const int32_t partition = bus.partition_of("BTC");
  int64_t expected_offset = -1;
  std::size_t received = 0;
  for (int round = 0; round < 100; ++round) {
    auto n = c->poll(10ms, 500, [&](const record& r) {
      EXPECT_EQ(r.partition, partition);
      if (expected_offset >= 0) {
        EXPECT_EQ(r.offset, expected_offset);  // contiguous after the gap
      }
      EXPECT_EQ(r.value, std::to_string(r.offset));
      expected_offset = r.offset + 1;
      ++received;
    });
    ASSERT_TRUE(n.has_value());
    if (n.value() == 0) break;
  }
  EXPECT_EQ(expected_offset, total);  // read to the end
  EXPECT_LE(received, 800u);
  EXPECT_EQ(received + c->skipped(), static_cast<std::size_t>(total));
}

}  // namespace
}  // namespace odin::bus
