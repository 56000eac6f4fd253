// The Kafka engines through broker loss and leader moves, and a producer with no brokers.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

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
// the bus acknowledged, and where.
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
  std::map<int, delivery> acknowledged() {
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
                          acked_[i] = r.value();
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
  std::map<int, delivery> acked_;
  std::thread thread_;
};

// (topic, partition, offset, value) of one record.
using log_key = std::tuple<std::string, int32_t, int64_t, std::string>;

std::set<log_key> keys_of(const std::vector<test::mock_cluster::logged_record>& log) {
  std::set<log_key> keys;
  for (const auto& r : log) keys.insert({r.topic, r.partition, r.offset, r.value});
  return keys;
}

bool delivered_all(const std::vector<test::consumed>& got, const model::topic_map& topics,
                   const std::set<log_key>& want) {
  std::set<log_key> seen;
  for (const auto& r : got) seen.insert({topics.topic_of(r.kind), r.partition, r.offset, r.value});
  return std::includes(seen.begin(), seen.end(), want.begin(), want.end());
}

void expect_offset_order(const std::vector<test::consumed>& got) {
  std::map<std::pair<model::kind, int32_t>, int64_t> last;
  for (const auto& r : got) {
    auto [it, first] = last.try_emplace({r.kind, r.partition}, r.offset);
    if (!first) {
      EXPECT_GT(r.offset, std::exchange(it->second, r.offset)) << r.value;
    }
  }
}

// Checks every acknowledged record against the log: those with an offset must be there.
// Returns how many are in no log: the librdkafka 2.0.2 defect described in
// tests/support/mock_cluster.h, whose signature is a delivery report without an offset
// (RD_KAFKA_OFFSET_INVALID, "implicitly acked"). No consumer can read those.
std::size_t phantom_acks(const std::map<int, delivery>& acked,
                         const std::vector<test::mock_cluster::logged_record>& log) {
  std::map<std::string, const test::mock_cluster::logged_record*> by_value;
  for (const auto& r : log) by_value[r.value] = &r;
  std::size_t phantoms = 0;
  for (const auto& [i, d] : acked) {
    const auto it = by_value.find(std::to_string(i));
    if (it == by_value.end()) {
      EXPECT_EQ(d.offset, RD_KAFKA_OFFSET_INVALID)
          << "record " << i << " acknowledged at " << d.partition << "/" << d.offset
          << " is in no log";
      ++phantoms;
    } else if (d.offset >= 0) {
      EXPECT_EQ(it->second->partition, d.partition) << i;
      EXPECT_EQ(it->second->offset, d.offset) << i;
    }
  }
  return phantoms;
}

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
  const std::map<int, delivery> acked = p.acknowledged();
  EXPECT_EQ(p.failed(), 0);
  EXPECT_EQ(acked.size(), static_cast<std::size_t>(p.sent()));

  // Everything the bus holds arrives (the topics were empty when the consumer became ready),
  // once, in offset order. What the bus holds is read back by a plain librdkafka consumer, not
  // taken from the delivery reports: librdkafka 2.0.2 with the mock acknowledges, now and
  // then (~1 run in 50), records that are in no log (mock_cluster.h). The reports are still
  // checked against the log, tolerating only those acknowledged without an offset.
  const auto log = cluster.read_log(o.topics.all_topics(), 12, 20s);
  const std::set<log_key> want = keys_of(log);
  EXPECT_TRUE(poll_until([&] { return delivered_all(got, o.topics, want); }, 40s, poll_some));
  EXPECT_EQ(got.size(), want.size());  // nothing twice, nothing else
  expect_offset_order(got);
  if (const std::size_t phantoms = phantom_acks(acked, log); phantoms > 0) {
    RecordProperty("phantom_acks", static_cast<int>(phantoms));
    std::printf("note: %zu record(s) acknowledged by librdkafka are in no log (mock defect)\n",
                phantoms);
  }
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
