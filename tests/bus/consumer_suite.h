#pragma once
// The consumer behaviour every bus engine shares, written once as a type-parameterized suite
// (BusConsumer) and instantiated per engine: memory_bus_test.cc (MemoryConsumer/BusConsumer/0.*,
// in ctest MemoryConsumer.<Name><0>) and kafka_bus_test.cc on librdkafka's mock cluster
// (KafkaConsumer/BusConsumer/0.*, KafkaConsumer.<Name><0>). An engine is a
// default-constructible struct with
//   std::unique_ptr<consumer> ready_consumer();  // everything produced from now on reaches it
//   std::unique_ptr<producer> make_producer();
//   int32_t partitions() const;                  // per topic
// What only one engine does (the memory bus's offsets and size limit, Kafka's look-back and
// bus timestamps) stays in that engine's file.
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "bus/consumer.h"
#include "bus/producer.h"
#include "bus/record.h"
#include "support/bus_test_util.h"

namespace odin::bus {

using namespace std::chrono_literals;
using ::odin::test::consume;
using ::odin::test::consumed;
using ::odin::test::poll_until;

template <class Engine>
class BusConsumer : public ::testing::Test {
 protected:
  // Produces value i for i in [from, to) as `kind` with key(i), flushes; counts acknowledgements.
  template <class Key>
  void produce_range(producer& p, model::kind kind, int from, int to, Key key) {
    for (int i = from; i < to; ++i) {
      p.produce(kind, key(i), std::to_string(i),
                [this](result<delivery, bus_error> r) { (r ? acked_ : failed_)++; });
    }
    ASSERT_EQ(p.flush(10s), 0u);
  }

  Engine engine_;
  std::atomic<int> acked_{0};
  std::atomic<int> failed_{0};
};

TYPED_TEST_SUITE_P(BusConsumer);

TYPED_TEST_P(BusConsumer, EveryRecordArrivesOnceInOrderWithItsKindKeyAndIngestTime) {
  auto c = this->engine_.ready_consumer();
  auto p = this->engine_.make_producer();
  constexpr int total = 4000;
  std::map<int, std::pair<model::kind, int64_t>> sent;  // value -> kind, produced at
  for (int i = 0; i < total; ++i) {
    const auto kind = model::all_kinds[static_cast<std::size_t>(i) % model::kind_count];
    sent[i] = {kind, now_us()};
    p->produce(kind, "TOK" + std::to_string(i % 97), std::to_string(i),
               [this](result<delivery, bus_error> r) { (r ? this->acked_ : this->failed_)++; });
  }
  EXPECT_EQ(p->flush(20s), 0u);
  EXPECT_EQ(this->acked_, total);
  EXPECT_EQ(this->failed_, 0);

  const auto got = consume(*c, total, 30s);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(total));
  std::set<int> seen;
  std::map<std::string, int> last_seq;  // per topic + key
  for (const consumed& r : got) {
    const int seq = std::stoi(r.value);
    ASSERT_TRUE(sent.count(seq)) << r.value;
    EXPECT_TRUE(seen.insert(seq).second) << "duplicate " << seq;
    EXPECT_EQ(r.kind, sent[seq].first);
    EXPECT_EQ(r.key, "TOK" + std::to_string(seq % 97));
    EXPECT_NEAR(static_cast<double>(r.ingest_us), static_cast<double>(sent[seq].second), 2e6);
    const std::string k = std::to_string(model::index(r.kind)) + "/" + r.key;
    auto [it, fresh] = last_seq.try_emplace(k, seq);
    if (!fresh) {
      EXPECT_GT(seq, it->second) << "order broken for " << k;
      it->second = seq;
    }
  }
  EXPECT_EQ(c->skipped(), 0u);

  // Lag: an entry for every partition of the 8 topics, known and drained.
  const std::size_t entries = 8u * static_cast<std::size_t>(this->engine_.partitions());
  EXPECT_TRUE(poll_until(
      [&] {
        auto lag = c->lag();
        if (lag.size() != entries) return false;
        for (const auto& l : lag) {
          if (l.lag != 0) return false;
        }
        return true;
      },
      10s, [&] { (void)c->poll(50ms, 100, [](const record&) {}); }));
  EXPECT_EQ(c->lag().size(), entries);
}

// Records produced before the consumer are not handed out; the ones after are, stamped with
// the time they were produced.
TYPED_TEST_P(BusConsumer, ConsumerStartsAtLatestAndStampsRecords) {
  auto p = this->engine_.make_producer();
  auto key = [](int i) { return "K" + std::to_string(i % 20); };
  this->produce_range(*p, model::kind::trade, 0, 20, key);  // old
  auto c = this->engine_.ready_consumer();
  const int64_t before = now_us();
  this->produce_range(*p, model::kind::trade, 20, 25, key);  // new
  const int64_t after = now_us();
  ASSERT_EQ(this->acked_, 25);
  const auto got = consume(*c, 5, 20s);
  EXPECT_TRUE(consume(*c, 1, 300ms).empty()) << "an old record was handed out";
  ASSERT_EQ(got.size(), 5u);
  for (const consumed& r : got) {
    EXPECT_GE(std::stoi(r.value), 20);
    EXPECT_GE(r.ingest_us, before);
    EXPECT_LE(r.ingest_us, after);
  }
}

// Paused with records already fetched and more arriving: poll() hands out nothing (and waits
// out its timeout), and after resume everything arrives once, in order.
TYPED_TEST_P(BusConsumer, PauseHoldsRecordsAndResumeDeliversThem) {
  auto c = this->engine_.ready_consumer();
  auto p = this->engine_.make_producer();
  auto key = [](int) { return std::string("BTC"); };
  this->produce_range(*p, model::kind::trade, 0, 200, key);
  std::vector<consumed> got = consume(*c, 1, 10s);  // Kafka prefetches the rest
  ASSERT_EQ(got.size(), 1u);
  c->pause();
  this->produce_range(*p, model::kind::trade, 200, 300, key);
  ASSERT_EQ(this->acked_, 300);
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto n = c->poll(100ms, 1000, [](const record&) { ADD_FAILURE() << "record while paused"; });
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(n.value(), 0u);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 90ms);  // waited out its timeout
  }
  c->resume();
  for (auto& r : consume(*c, 299, 20s)) got.push_back(std::move(r));
  EXPECT_TRUE(consume(*c, 1, 300ms).empty());  // and nothing twice
  ASSERT_EQ(got.size(), 300u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].value, std::to_string(i));
}

// dispatcher::stop relies on ONE wake() ending the poll it interrupts, whether it lands
// before the poll blocked or while it waits, paused or not. A lost wake shows as the poll
// running to its 30 s timeout (the 15 s bound only tells the two apart; nothing here
// measures speed).
TYPED_TEST_P(BusConsumer, OneWakeBeforePollIsNotLost) {
  auto c = this->engine_.ready_consumer();
  for (bool paused : {false, true}) {
    if (paused) c->pause();
    c->wake();  // before poll() was even called: it must end the next poll
    const auto t0 = std::chrono::steady_clock::now();
    auto n = c->poll(30s, 10, [](const record&) {});
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(n.value(), 0u);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 15s)
        << "the wake was lost (paused " << paused << ")";
  }
}

TYPED_TEST_P(BusConsumer, OneWakeEndsABlockedPoll) {
  auto c = this->engine_.ready_consumer();
  for (bool paused : {false, true}) {
    if (paused) c->pause();
    std::atomic<bool> polling{false};
    std::chrono::steady_clock::duration took{};
    std::thread t([&] {
      polling = true;
      const auto t0 = std::chrono::steady_clock::now();
      auto n = c->poll(30s, 10, [](const record&) {});
      took = std::chrono::steady_clock::now() - t0;
      EXPECT_TRUE(n.has_value());
    });
    while (!polling) std::this_thread::yield();
    std::this_thread::sleep_for(50ms);  // most likely blocked by now; either way one wake
    c->wake();
    t.join();
    EXPECT_LT(took, 15s) << "the wake was lost (paused " << paused << ")";
  }
}

REGISTER_TYPED_TEST_SUITE_P(BusConsumer, EveryRecordArrivesOnceInOrderWithItsKindKeyAndIngestTime,
                            ConsumerStartsAtLatestAndStampsRecords,
                            PauseHoldsRecordsAndResumeDeliversThem, OneWakeBeforePollIsNotLost,
                            OneWakeEndsABlockedPoll);

}  // namespace odin::bus
