// The memory bus: partitioning, offsets, lag, record size, concurrency; and the consumer
// behaviour every engine shares (bus/consumer_suite.h) on it.
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "bus/consumer_suite.h"
#include "bus/memory_bus.h"
#include "bus/partitioner.h"

namespace odin::bus {
namespace {

using namespace std::chrono_literals;

struct seen_record {
  model::kind kind;
  int32_t partition;
  int64_t offset;
  int64_t ingest_us;
  std::string key;
  std::string value;
};

// Polls until `want` records arrived or `limit` passed.
std::vector<seen_record> drain(consumer& c, std::size_t want, std::chrono::milliseconds limit) {
  std::vector<seen_record> out;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
    auto n = c.poll(50ms, 1000, [&](const record& r) {
      out.push_back(
          {r.kind, r.partition, r.offset, r.ingest_us, std::string(r.key), std::string(r.value)});
    });
    EXPECT_TRUE(n.has_value());
  }
  return out;
}

delivery produce_ok(producer& p, model::kind kind, std::string_view key, std::string_view value) {
  delivery d{-1, -1};
  bool called = false;
  p.produce(kind, key, value, [&](result<delivery, bus_error> r) {
    called = true;  // synchronous on the memory bus
    ASSERT_TRUE(r.has_value());
    d = r.value();
  });
  EXPECT_TRUE(called);
  return d;
}

struct memory_engine {
  memory_bus bus{memory_options{}};
  std::unique_ptr<consumer> ready_consumer() { return bus.make_consumer(); }
  std::unique_ptr<producer> make_producer() { return bus.make_producer(); }
  int32_t partitions() const { return bus.partitions(); }
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(MemoryConsumer, BusConsumer, memory_engine);

namespace {

TEST(Partitioner, MatchesKafkaJavaMurmur2) {
  // murmur2 values of the Java client (librdkafka's unit test vectors) modulo 12.
  EXPECT_EQ(partition_for_key("kafka", 12), 1348980580 % 12);
  EXPECT_EQ(partition_for_key("amqp", 12), 767747138 % 12);
  EXPECT_EQ(partition_for_key("giberish123456789", 12), 257239820 % 12);
}

TEST(MemoryBus, SameKeySamePartitionAndKeysSpread) {
  memory_bus bus({});
  auto p = bus.make_producer();
  std::map<int32_t, int> per_partition;
  for (int i = 0; i < 1200; ++i) {
    const std::string key = "TOKEN" + std::to_string(i);
    const delivery first = produce_ok(*p, model::kind::trade, key, "{}");
    const delivery again = produce_ok(*p, model::kind::analytics, key, "{}");
    EXPECT_EQ(first.partition, again.partition);
    EXPECT_EQ(first.partition, bus.partition_of(key));
    ++per_partition[first.partition];
  }
  ASSERT_EQ(per_partition.size(), 12u);
  for (const auto& [partition, count] : per_partition) EXPECT_GT(count, 50) << partition;
}

TEST(MemoryBus, OffsetsAreContiguousPerPartition) {
  memory_bus bus({});
  auto c = bus.make_consumer();
  auto p = bus.make_producer();
  for (int i = 0; i < 500; ++i) {
    const delivery d = produce_ok(*p, model::kind::social, "BTC", std::to_string(i));
    EXPECT_EQ(d.offset, i);
  }
  produce_ok(*p, model::kind::trade, "BTC", "other topic starts at 0");
  const auto got = drain(*c, 501, 5s);
  ASSERT_EQ(got.size(), 501u);
  int64_t next_social = 0;
  for (const auto& r : got) {
    if (r.kind == model::kind::trade) {
      EXPECT_EQ(r.offset, 0);
      continue;
    }
    EXPECT_EQ(r.kind, model::kind::social);
    EXPECT_EQ(r.offset, next_social);
    EXPECT_EQ(r.value, std::to_string(next_social));
    EXPECT_EQ(r.partition, bus.partition_of("BTC"));
    ++next_social;
  }
  EXPECT_EQ(next_social, 500);
}

// consumer::set_notify: the hook runs after every append until removed (a caller polling from
// its own loop, src/gateway/io_dispatch.h); a zero-timeout poll returns at once either way.
TEST(MemoryBus, NotifyRunsAfterEveryAppendUntilRemoved) {
  memory_bus bus({});
  auto c = bus.make_consumer();
  auto other = bus.make_consumer();
  auto p = bus.make_producer();
  std::atomic<int> calls{0};
  std::atomic<int> other_calls{0};
  ASSERT_TRUE(c->set_notify([&] { ++calls; }));
  ASSERT_TRUE(other->set_notify([&] { ++other_calls; }));
  for (int i = 0; i < 3; ++i) produce_ok(*p, model::kind::trade, "BTC", std::to_string(i));
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(other_calls.load(), 3) << "one hook per consumer";
  std::size_t handed = 0;
  const auto n = c->poll(0ms, 10, [&](const record&) { ++handed; });
  ASSERT_TRUE(n);
  EXPECT_EQ(n.value(), 3u);
  EXPECT_EQ(handed, 3u);
  const auto none = c->poll(0ms, 10, [&](const record&) { ++handed; });
  ASSERT_TRUE(none);
  EXPECT_EQ(none.value(), 0u) << "nothing new: a zero timeout does not wait";
  c->set_notify({});
  produce_ok(*p, model::kind::trade, "BTC", "after");
  EXPECT_EQ(calls.load(), 3) << "removed";
  EXPECT_EQ(other_calls.load(), 4);
  other.reset();  // its destructor removes its hook
  produce_ok(*p, model::kind::trade, "BTC", "gone");
  EXPECT_EQ(other_calls.load(), 4);
}

// producer::corked: a burst's records are readable as they are appended, but the consumers'
// hooks run once, after the burst (one gateway turn per simulator tick or HTTP batch).
TEST(MemoryBus, ACorkedBurstWakesConsumersOnceAfterIt) {
  memory_bus bus({});
  auto c = bus.make_consumer();
  auto p = bus.make_producer();
  std::atomic<int> calls{0};
  ASSERT_TRUE(c->set_notify([&] { ++calls; }));
  std::size_t seen_inside = 0;
  p->corked([&] {
    for (int i = 0; i < 5; ++i) produce_ok(*p, model::kind::trade, "BTC", std::to_string(i));
    p->corked([&] { produce_ok(*p, model::kind::trade, "BTC", "nested"); });
    EXPECT_EQ(calls.load(), 0) << "woken inside the burst (the nested cork ended early?)";
    const auto n = c->poll(0ms, 100, [&](const record&) { ++seen_inside; });
    ASSERT_TRUE(n);
  });
  EXPECT_EQ(seen_inside, 6u) << "a corked record must be readable at once";
  EXPECT_EQ(calls.load(), 1);
  p->corked([] {});  // nothing appended: no wake-up
  EXPECT_EQ(calls.load(), 1);
  produce_ok(*p, model::kind::trade, "BTC", "plain");
  EXPECT_EQ(calls.load(), 2) << "after the cork, one wake-up per append again";
}

// A cork holds only its own bus: appends to another bus inside it wake that bus's consumers
// at once, and its own wake-up still comes at its end.
TEST(MemoryBus, ACorkHoldsOnlyItsOwnBus) {
  memory_bus a({});
  memory_bus b({});
  auto ca = a.make_consumer();
  auto cb = b.make_consumer();
  auto pa = a.make_producer();
  auto pb = b.make_producer();
  std::atomic<int> a_calls{0};
  std::atomic<int> b_calls{0};
  ASSERT_TRUE(ca->set_notify([&] { ++a_calls; }));
  ASSERT_TRUE(cb->set_notify([&] { ++b_calls; }));
  pa->corked([&] {
    produce_ok(*pa, model::kind::trade, "BTC", "a1");
    pb->corked([&] { produce_ok(*pb, model::kind::trade, "BTC", "b1"); });
    produce_ok(*pb, model::kind::trade, "BTC", "b2");
    EXPECT_EQ(b_calls.load(), 2);
    EXPECT_EQ(a_calls.load(), 0);
  });
  EXPECT_EQ(a_calls.load(), 1);
}

TEST(MemoryBus, LagPerPartition) {
  memory_options o;
  o.partitions = 3;
  memory_bus bus(o);
  auto c = bus.make_consumer();
  auto p = bus.make_producer();
  for (int i = 0; i < 7; ++i) produce_ok(*p, model::kind::balances, "SOL", "{}");
  auto lag = c->lag();
  ASSERT_EQ(lag.size(), 8u * 3u);
  int64_t total = 0;
  for (const auto& l : lag) {
    total += l.lag;
    if (l.lag > 0) {
      EXPECT_EQ(l.topic, "odin.balances");
      EXPECT_EQ(l.partition, bus.partition_of("SOL"));
    }
  }
  EXPECT_EQ(total, 7);
  drain(*c, 7, 2s);
  for (const auto& l : c->lag()) EXPECT_EQ(l.lag, 0);
}

TEST(MemoryBus, TooLargeRecordFails) {
  memory_options o;
  o.max_record_bytes = 100;
  memory_bus bus(o);
  auto p = bus.make_producer();
  bool failed = false;
  p->produce(model::kind::trade, "K", std::string(200, 'x'), [&](result<delivery, bus_error> r) {
    failed = !r && r.error() == bus_error::message_too_large;
  });
  EXPECT_TRUE(failed);
}

// Several producer threads, several consumers: each consumer sees every record exactly once,
// and per key in production order.
TEST(MemoryBus, ConcurrentProducersAndConsumers) {
  constexpr int producers = 4;
  constexpr int per_producer = 20000;
  constexpr int keys = 37;
  memory_bus bus({});
  std::vector<std::unique_ptr<consumer>> consumers;
  for (int i = 0; i < 3; ++i) consumers.push_back(bus.make_consumer());

  std::vector<std::vector<seen_record>> got(consumers.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < consumers.size(); ++i) {
    threads.emplace_back([&, i] { got[i] = drain(*consumers[i], producers * per_producer, 30s); });
  }
  std::atomic<int> failures{0};
  for (int t = 0; t < producers; ++t) {
    threads.emplace_back([&, t] {
      auto p = bus.make_producer();
      for (int i = 0; i < per_producer; ++i) {
        const std::string key = "T" + std::to_string(t) + "-" + std::to_string(i % keys);
        const auto kind = model::all_kinds[static_cast<std::size_t>(i) % model::kind_count];
        p->produce(kind, key, std::to_string(t) + ":" + std::to_string(i),
                   [&](result<delivery, bus_error> r) { failures += r ? 0 : 1; });
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  for (const auto& records : got) {
    ASSERT_EQ(records.size(), static_cast<std::size_t>(producers * per_producer));
    std::set<std::string> unique;
    std::map<std::string, int> last_seq_of_key;
    for (const auto& r : records) {
      EXPECT_TRUE(unique.insert(r.value).second) << "duplicate " << r.value;
      const int seq = std::stoi(r.value.substr(r.value.find(':') + 1));
      // Order is per partition: per (topic, key).
      const std::string topic_key = std::to_string(model::index(r.kind)) + "/" + r.key;
      auto [it, fresh] = last_seq_of_key.try_emplace(topic_key, seq);
      if (!fresh) {
        EXPECT_GT(seq, it->second) << "order broken for key " << r.key;
        it->second = seq;
      }
    }
  }
}

}  // namespace
}  // namespace odin::bus
