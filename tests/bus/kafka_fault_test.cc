// The Kafka engines through broker loss and leader moves, and a producer with no brokers.
#include <algorithm>
#include <atomic>
#include <mutex>
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

// Produces one record per millisecond-ish on a thread until stopped; remembers which ones
// the bus acknowledged.
class steady_producer {
 public:
  explicit steady_producer(const kafka_options& o) : producer_(o) {
    thread_ = std::thread([this] { run(); });
  }
  ~steady_producer() { stop(); }

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::size_t flush(std::chrono::milliseconds t) { return producer_.flush(t); }
  int sent() const { return sent_.load(); }
  std::set<int> acknowledged() {
    std::lock_guard lock(mutex_);
    return acked_;
  }
  int failed() const { return failed_.load(); }

 private:
  void run() {
    for (int i = 0; !stop_ && i < 100000; ++i) {
      const auto kind = model::all_kinds[static_cast<std::size_t>(i) % model::kind_count];
      producer_.produce(kind, "TOK" + std::to_string(i % 61), std::to_string(i),
                        [this, i](result<delivery, bus_error> r) {
                          if (!r) {
                            ++failed_;
                            return;
                          }
                          std::lock_guard lock(mutex_);
                          acked_.insert(i);
                        });
      ++sent_;
      std::this_thread::sleep_for(1ms);  // pacing, not synchronisation
    }
  }

  kafka_producer producer_;
  std::atomic<bool> stop_{false};
  std::atomic<int> sent_{0};
  std::atomic<int> failed_{0};
  std::mutex mutex_;
  std::set<int> acked_;
  std::thread thread_;
};

TEST(KafkaFaults, ConsumerSurvivesBrokerLossAndLeaderMoves) {
  test::mock_cluster cluster(3);
  kafka_options o = mock_options(cluster);
  cluster.create_odin_topics(o.topics, 12);
  kafka_consumer c(o);
  std::vector<test::consumed> got;
  auto poll_some = [&] {
    auto n = c.poll(50ms, 1000, [&](const record& r) {
      got.push_back(
          {r.kind, r.partition, r.offset, r.ingest_us, std::string(r.key), std::string(r.value)});
    });
    ASSERT_TRUE(n.has_value()) << describe(n.error());
  };
  ASSERT_TRUE(poll_until([&] { return c.ready(); }, 20s, poll_some));

  steady_producer p(o);
  ASSERT_TRUE(poll_until([&] { return p.sent() > 300; }, 10s, poll_some));
  // Broker 2 leads about a third of the partitions; take it away for 2 s, keep consuming.
  cluster.broker_down(2);
  const auto down_at = std::chrono::steady_clock::now();
  const int sent_at_down = p.sent();
  poll_until([&] { return std::chrono::steady_clock::now() - down_at > 2s; }, 3s, poll_some);
  EXPECT_GT(p.sent(), sent_at_down + 100);  // producing went on meanwhile
  cluster.broker_up(2);
  // Move leadership of some partitions of every topic while records keep flowing.
  for (const std::string& topic : o.topics.all_topics()) {
    for (int partition = 0; partition < 4; ++partition) {
      cluster.set_leader(topic, partition, 1 + (partition + 1) % 3);
    }
  }
  const int sent_at_move = p.sent();
  ASSERT_TRUE(poll_until([&] { return p.sent() > sent_at_move + 500; }, 20s, poll_some));
  p.stop();
  EXPECT_EQ(p.flush(30s), 0u);
  const std::set<int> acked = p.acknowledged();
  EXPECT_EQ(p.failed(), 0);
  EXPECT_EQ(acked.size(), static_cast<std::size_t>(p.sent()));

  // Every acknowledged record arrives, once.
  auto all_arrived = [&] {
    std::set<int> seen;
    for (const auto& r : got) seen.insert(std::stoi(r.value));
    return std::includes(seen.begin(), seen.end(), acked.begin(), acked.end());
  };
  EXPECT_TRUE(poll_until(all_arrived, 40s, poll_some));
  std::set<int> unique;
  std::size_t duplicates = 0;
  for (const auto& r : got) duplicates += unique.insert(std::stoi(r.value)).second ? 0 : 1;
  EXPECT_EQ(duplicates, 0u);
  EXPECT_TRUE(c.ready());
  EXPECT_EQ(c.lag().size(), 96u);
}

TEST(KafkaFaults, ProducerWithAllBrokersDownFailsWithinTheDeliveryTimeout) {
  test::mock_cluster cluster(3);
  kafka_options o = mock_options(cluster);
  o.delivery_timeout = 2s;
  cluster.create_odin_topics(o.topics, 12);
  kafka_producer p(o);
  // Connected first: one record goes through.
  std::atomic<int> first_ok{0};
  p.produce(model::kind::trade, "BTC", "{}",
            [&](result<delivery, bus_error> r) { first_ok = r ? 1 : -1; });
  ASSERT_EQ(p.flush(10s), 0u);
  ASSERT_EQ(first_ok, 1);

  for (int id = 1; id <= 3; ++id) cluster.broker_down(id);
  std::mutex mutex;
  std::vector<bus_error> errors;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    p.produce(model::all_kinds[static_cast<std::size_t>(i) % model::kind_count],
              "K" + std::to_string(i), "{}", [&](result<delivery, bus_error> r) {
                std::lock_guard lock(mutex);
                errors.push_back(r ? bus_error::internal : r.error());
                if (r) ADD_FAILURE() << "acknowledged with every broker down";
              });
  }
  EXPECT_EQ(p.flush(8s), 0u);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(elapsed, 6s);
  std::lock_guard lock(mutex);
  ASSERT_EQ(errors.size(), 20u);
  for (bus_error e : errors) {
    EXPECT_TRUE(e == bus_error::timed_out || e == bus_error::transport) << describe(e);
  }
}

TEST(KafkaFaults, DestroyingAProducerCompletesEverythingOnce) {
  test::mock_cluster cluster(3);
  kafka_options o = mock_options(cluster);
  o.shutdown_timeout = 200ms;
  cluster.create_odin_topics(o.topics, 12);
  std::atomic<int> calls{0};
  {
    kafka_producer p(o);
    for (int id = 1; id <= 3; ++id) cluster.broker_down(id);
    for (int i = 0; i < 50; ++i) {
      p.produce(model::kind::trade, "K" + std::to_string(i), "{}",
                [&](result<delivery, bus_error> r) {
                  ++calls;
                  EXPECT_FALSE(r.has_value());
                });
    }
  }
  EXPECT_EQ(calls, 50);
}

}  // namespace
}  // namespace odin::bus
