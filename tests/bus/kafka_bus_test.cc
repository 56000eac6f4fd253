// Kafka engines against librdkafka's mock cluster (3 brokers, 8 topics × 12 partitions, RF 3).
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "bus/kafka_consumer.h"
#include "bus/kafka_producer.h"
#include "support/bus_test_util.h"

namespace odin::bus {
namespace {

using namespace std::chrono_literals;
using test::consume;
using test::mock_options;
using test::poll_until;

struct produced {
  model::kind kind;
  std::string key;
  int64_t produced_us;
};

class KafkaBus : public ::testing::Test {
 protected:
  void SetUp() override { cluster_.create_odin_topics(options_.topics, 12); }

  // A consumer that polled until ready: everything produced from now on reaches it.
  std::unique_ptr<kafka_consumer> ready_consumer() {
    auto c = std::make_unique<kafka_consumer>(options_);
    EXPECT_TRUE(poll_until([&] { return c->ready(); }, 20s,
                           [&] {
                             auto n = c->poll(50ms, 100, [](const record&) {
                               ADD_FAILURE() << "record before any produce";
                             });
                             EXPECT_TRUE(n.has_value());
                           }));
    return c;
  }

  test::mock_cluster cluster_{3};
  kafka_options options_ = mock_options(cluster_);
};

TEST_F(KafkaBus, EveryRecordArrivesOnceInOrderWithItsKindKeyAndIngestTime) {
  auto c = ready_consumer();
  kafka_producer p(options_);
  constexpr int total = 4000;
  std::map<int, produced> sent;
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  for (int i = 0; i < total; ++i) {
    const auto kind = model::all_kinds[static_cast<std::size_t>(i) % model::kind_count];
    const std::string key = "TOK" + std::to_string(i % 97);
    sent[i] = {kind, key, now_us()};
    p.produce(kind, key, "{\"seq\":" + std::to_string(i) + "}",
              [&](result<delivery, bus_error> r) { (r ? ok : failed)++; });
  }
  EXPECT_EQ(p.flush(20s), 0u);
  EXPECT_EQ(ok, total);
  EXPECT_EQ(failed, 0);

  const auto got = consume(*c, total, 30s);
  ASSERT_EQ(got.size(), static_cast<std::size_t>(total));
  std::set<int> seen;
  std::map<std::string, int> last_seq;  // per topic + key
  for (const auto& r : got) {
    const int seq = std::stoi(r.value.substr(7));
    ASSERT_TRUE(sent.count(seq)) << r.value;
    EXPECT_TRUE(seen.insert(seq).second) << "duplicate " << seq;
    const produced& s = sent[seq];
    EXPECT_EQ(r.kind, s.kind);
    EXPECT_EQ(r.key, s.key);
    EXPECT_NEAR(static_cast<double>(r.ingest_us), static_cast<double>(s.produced_us), 2e6);
    const std::string k = std::to_string(model::index(r.kind)) + "/" + r.key;
    auto [it, fresh] = last_seq.try_emplace(k, seq);
    if (!fresh) {
      EXPECT_GT(seq, it->second) << "order broken for " << k;
      it->second = seq;
    }
  }
  EXPECT_EQ(c->skipped(), 0u);

  // Lag: an entry for each of the 96 partitions, known and drained.
  EXPECT_TRUE(poll_until(
      [&] {
        auto lag = c->lag();
        if (lag.size() != 96u) return false;
        for (const auto& l : lag) {
          if (l.lag != 0) return false;
        }
        return true;
      },
      10s, [&] { (void)c->poll(50ms, 100, [](const record&) {}); }));
  EXPECT_EQ(c->lag().size(), 96u);
}

// Paused with records already fetched and more arriving: nothing is handed out while paused,
// and after resume everything arrives once, in order.
TEST_F(KafkaBus, PauseHoldsRecordsAndResumeDeliversThem) {
  auto c = ready_consumer();
  kafka_producer p(options_);
  std::atomic<int> ok{0};
  auto produce_range = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      p.produce(model::kind::trade, "BTC", std::to_string(i),
                [&](result<delivery, bus_error> r) { ok += r ? 1 : 0; });
    }
    ASSERT_EQ(p.flush(10s), 0u);
  };
  produce_range(0, 200);
  std::vector<test::consumed> got = consume(*c, 1, 10s);  // librdkafka prefetches the rest
  ASSERT_EQ(got.size(), 1u);
  c->pause();
  produce_range(200, 300);
  ASSERT_EQ(ok, 300);
  for (int i = 0; i < 5; ++i) {
    auto n = c->poll(100ms, 1000, [](const record&) { ADD_FAILURE() << "record while paused"; });
    ASSERT_TRUE(n.has_value());
  }
  c->resume();
  for (auto& r : consume(*c, 299, 20s)) got.push_back(std::move(r));
  EXPECT_TRUE(consume(*c, 1, 300ms).empty());  // and nothing twice
  ASSERT_EQ(got.size(), 300u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].value, std::to_string(i));
}

// A look-back asks the brokers for the first offset at/after now - lookback. Where there is
// none (a real broker: nothing that recent; Debian's 2.0.2 mock: every timestamp query, it
// answers -1) the partition starts at the latest offset, resolved before ready(): nothing
// produced after ready() is missed, nothing older is replayed.
TEST_F(KafkaBus, LookbackWithoutRecentRecordsStartsAtTheLatestOffset) {
  kafka_producer p(options_);
  std::atomic<int> ok{0};
  auto produce_range = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      p.produce(model::kind::liquidity, "TOK" + std::to_string(i % 5), std::to_string(i),
                [&](result<delivery, bus_error> r) { ok += r ? 1 : 0; });
    }
    ASSERT_EQ(p.flush(10s), 0u);
  };
  produce_range(0, 30);
  options_.lookback = 60s;
  auto c = ready_consumer();
  produce_range(30, 40);
  ASSERT_EQ(ok, 40);
  const auto got = consume(*c, 11, 3s);
  ASSERT_EQ(got.size(), 10u);
  for (const auto& r : got) EXPECT_GE(std::stoi(r.value), 30);
}

// Records from producers that do not set "odin-ingest-us" get the bus timestamp.
TEST_F(KafkaBus, IngestTimeFallsBackToTheBusTimestamp) {
  auto c = ready_consumer();
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  ASSERT_EQ(conf->set("bootstrap.servers", options_.brokers, err), RdKafka::Conf::CONF_OK);
  std::unique_ptr<RdKafka::Producer> plain(RdKafka::Producer::create(conf.get(), err));
  ASSERT_TRUE(plain) << err;
  const int64_t timestamp_ms = 1'700'000'000'123;
  std::string value = "{}";
  ASSERT_EQ(plain->produce(options_.topics.topic_of(model::kind::trade), 0,
                           RdKafka::Producer::RK_MSG_COPY, value.data(), value.size(), "ETH", 3,
                           timestamp_ms, nullptr),
            RdKafka::ERR_NO_ERROR);
  ASSERT_EQ(plain->flush(10000), RdKafka::ERR_NO_ERROR);
  const auto got = consume(*c, 1, 20s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].key, "ETH");
  EXPECT_EQ(got[0].ingest_us, timestamp_ms * 1000);
}

// One wake() ends a poll, sent before it started or while it waits (dispatcher::stop relies
// on it). A lost wake shows as the poll running to its 30 s timeout.
TEST_F(KafkaBus, OneWakeIsNotLost) {
  auto c = ready_consumer();
  c->wake();  // before poll() was called
  auto t0 = std::chrono::steady_clock::now();
  auto n = c->poll(30s, 10, [](const record&) {});
  ASSERT_TRUE(n.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 15s) << "a wake before poll was lost";

  std::atomic<bool> polling{false};
  std::chrono::steady_clock::duration took{};
  std::thread t([&] {
    polling = true;
    const auto start = std::chrono::steady_clock::now();
    auto m = c->poll(30s, 10, [](const record&) {});
    took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(m.has_value());
  });
  while (!polling) std::this_thread::yield();
  std::this_thread::sleep_for(50ms);  // most likely blocked by now; either way one wake
  c->wake();
  t.join();
  EXPECT_LT(took, 15s) << "a wake during poll was lost";
}

TEST(KafkaBusStartup, UnreachableBrokersNeitherHangNorBecomeReady) {
  kafka_options o;
  o.brokers = "127.0.0.1:1";  // nothing listens there
  o.shutdown_timeout = 500ms;
  const auto t0 = std::chrono::steady_clock::now();
  {
    kafka_consumer c(o);
    kafka_producer p(o);
    auto n = c.poll(300ms, 10, [](const record&) {});
    EXPECT_TRUE(n.has_value());
    EXPECT_FALSE(c.ready());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
}

}  // namespace
}  // namespace odin::bus
