// Kafka engines against librdkafka's mock cluster (3 brokers, 8 topics × 12 partitions, RF 3):
// the consumer behaviour every engine shares (bus/consumer_suite.h), then what is Kafka's own
// (look-back, the bus timestamp, unreachable brokers).
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "bus/consumer_suite.h"
#include "bus/kafka_consumer.h"
#include "bus/kafka_producer.h"
#include "support/bus_test_util.h"

namespace odin::bus {
namespace {

using namespace std::chrono_literals;
using test::consume;
using test::mock_options;
using test::poll_until;

// A consumer that polled until ready: everything produced from now on reaches it.
std::unique_ptr<kafka_consumer> ready_consumer(const kafka_options& options) {
  auto c = std::make_unique<kafka_consumer>(options);
  EXPECT_TRUE(poll_until([&] { return c->ready(); }, 20s,
                         [&] {
                           auto n = c->poll(50ms, 100, [](const record&) {
                             ADD_FAILURE() << "record before any produce";
                           });
                           EXPECT_TRUE(n.has_value());
                         }));
  return c;
}

// The engine of the shared consumer suite: a mock cluster, 8 topics of 12 partitions.
struct kafka_engine {
  kafka_engine() { cluster.create_odin_topics(options.topics, 12); }
  std::unique_ptr<consumer> ready_consumer() { return bus::ready_consumer(options); }
  std::unique_ptr<producer> make_producer() { return std::make_unique<kafka_producer>(options); }
  int32_t partitions() const { return 12; }

  test::mock_cluster cluster{3};
  kafka_options options = mock_options(cluster);
};

class KafkaBus : public ::testing::Test {
 protected:
  void SetUp() override { cluster_.create_odin_topics(options_.topics, 12); }
  std::unique_ptr<kafka_consumer> ready_consumer() { return bus::ready_consumer(options_); }

  test::mock_cluster cluster_{3};
  kafka_options options_ = mock_options(cluster_);
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(KafkaConsumer, BusConsumer, kafka_engine);

namespace {

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
