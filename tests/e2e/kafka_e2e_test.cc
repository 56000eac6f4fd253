// End to end on Kafka: librdkafka's mock cluster (3 brokers, 8 topics x 12 partitions, RF 3),
// events produced by a separate librdkafka producer, the gateway consuming every partition.
#include <gtest/gtest.h>

#include <prometheus/registry.h>
#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "bus/kafka_consumer.h"
#include "bus/kafka_producer.h"
#include "bus/partitioner.h"
#include "e2e/fanout_scenario.h"
#include "gateway/gateway.h"
#include "model/bundle.h"
#include "support/http_client.h"
#include "support/mock_cluster.h"
#include "support/test_io_threads.h"
#include "support/wait_for.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;

class KafkaE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka_.brokers = cluster_.bootstrap();
    kafka_.fetch_wait_max = 10ms;
    kafka_.delivery_timeout = 30s;
    cluster_.create_odin_topics(kafka_.topics, 12);
    consumer_ = std::make_unique<bus::kafka_consumer>(kafka_);
    gateway::options opts;
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.auth.public_balances = true;  // not about auth: ALL/balances anonymously
    opts.io_threads = ::odin::test::io_threads_or(2);
    gateway_ = std::make_unique<gateway::gateway>(opts, *consumer_,
                                                  std::make_shared<prometheus::Registry>());
    gateway_->start();
    ASSERT_TRUE(wait_until([&] { return http_get(gateway_->port(), "/ready").status == 200; }, 30s))
        << "gateway never became ready on the mock cluster";
    producer_ = std::make_unique<bus::kafka_producer>(kafka_);
  }

  void TearDown() override {
    if (gateway_) gateway_->stop();
  }

  // Produces and waits for the acknowledgement.
  bool publish(model::event_type type, const std::string& token, const std::string& value) {
    auto done = std::make_shared<std::promise<bool>>();
    auto result = done->get_future();
    producer_->produce(model::kind_of(type), token, value,
                       [done](auto r) { done->set_value(r.has_value()); });
    return result.wait_for(35s) == std::future_status::ready && result.get();
  }

  mock_cluster cluster_{3};
  bus::kafka_options kafka_;
  std::unique_ptr<bus::kafka_consumer> consumer_;
  std::unique_ptr<gateway::gateway> gateway_;
  std::unique_ptr<bus::kafka_producer> producer_;
};

TEST_F(KafkaE2E, EveryClientGetsExactlyItsChannelsVerbatimAndInOrder) {
  run_fanout_scenario(
      gateway_->port(),
      [&](model::event_type t, const std::string& token, const std::string& v) {
        return publish(t, token, v);
      },
      30s);
}

TEST_F(KafkaE2E, EveryAcknowledgedEventArrivesAcrossALeaderBrokerOutage) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 10; ++i) tokens.push_back("K" + std::to_string(i));
  ws_client client("127.0.0.1", gateway_->port());
  std::string request = R"({"type":"subscribe","bundle":"ALL","tokens":[)";
  for (std::size_t i = 0; i < tokens.size(); ++i) request += (i ? ",\"" : "\"") + tokens[i] + "\"";
  request += "]}";
  ASSERT_TRUE(client.request(request, 5s));

  // Broker 1 leads partitions 0-3 of every topic; it goes down mid-stream and comes back.
  for (const auto& topic : kafka_.topics.all_topics())
    for (int p = 0; p < 4; ++p) cluster_.set_leader(topic, p, 1);

  // The outage is placed by counts, not sleeps: broker 1 goes down once 300 records were
  // produced and comes back once 300 more were produced while it was down, and the test
  // checks that records for its partitions were produced (and acknowledged) in the outage.
  constexpr int total = 1200;
  std::mutex mutex;
  std::set<std::string> acked;
  std::atomic<int> failed{0}, produced{0}, produced_while_down{0};
  std::atomic<int> to_down_leader{0}, to_down_leader_acked{0};  // produced while down, p 0-3
  std::atomic<bool> down{false};
  const auto types = model::all_event_types();
  std::thread producer_thread([&] {
    for (int i = 0; i < total; ++i) {
      const auto type = types[static_cast<std::size_t>(i) % types.size()];
      const auto& token = tokens[static_cast<std::size_t>(i) % tokens.size()];
      std::string value = scenario_value(type, token, i);
      const bool in_outage = down.load();
      const bool led_by_down = in_outage && bus::partition_for_key(token, 12) < 4;
      if (in_outage) ++produced_while_down;
      if (led_by_down) ++to_down_leader;
      producer_->produce(model::kind_of(type), token, value, [&, value, led_by_down](auto r) {
        if (!r) {
          ++failed;
          return;
        }
        if (led_by_down) ++to_down_leader_acked;
        std::lock_guard lock(mutex);
        acked.insert(value);
      });
      ++produced;
      std::this_thread::sleep_for(2ms);
    }
  });
  const bool started = wait_for([&] { return produced >= 300; }, 60s);
  cluster_.broker_down(1);
  down = true;
  const bool overlapped = wait_for([&] { return produced_while_down >= 300; }, 60s);
  down = false;
  cluster_.broker_up(1);
  producer_thread.join();
  ASSERT_TRUE(started && overlapped)
      << produced << " produced, " << produced_while_down << " of them during the outage";
  EXPECT_GT(to_down_leader.load(), 0) << "nothing was produced for the downed leader's partitions";
  EXPECT_EQ(producer_->flush(40s), 0u);

  std::set<std::string> received;
  std::size_t acked_count = 0;
  {
    std::lock_guard lock(mutex);
    acked_count = acked.size();
  }
  EXPECT_EQ(acked_count + static_cast<std::size_t>(failed.load()), std::size_t{total});
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (received.size() < acked_count && std::chrono::steady_clock::now() < deadline) {
    auto msg = client.read_text(200ms);
    if (!msg) continue;
    received_event ev;
    if (parse_event_frame(*msg, ev)) received.insert(ev.data);
  }
  std::lock_guard lock(mutex);
  std::size_t missing = 0;
  for (const auto& v : acked) missing += received.count(v) ? 0 : 1;
  EXPECT_EQ(missing, 0u) << "acknowledged events that never reached the client";
  EXPECT_GT(acked.size(), std::size_t{total} * 9 / 10) << "the outage should not fail most sends";
  EXPECT_GT(to_down_leader_acked.load(), 0)
      << "no record produced for the downed leader during the outage was acknowledged";
}

}  // namespace
}  // namespace odin::test
