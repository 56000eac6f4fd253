// Issue 10 on Kafka: several `odin gateway` instances (each its own librdkafka consumer and
// recovery reader, as separate processes would have) on librdkafka's mock cluster.
#include <gtest/gtest.h>

#include <prometheus/registry.h>
#include <future>
#include <memory>

#include "bus/kafka_consumer.h"
#include "bus/kafka_producer.h"
#include "bus/kafka_replayer.h"
#include "e2e/recovery_scenario.h"
#include "gateway/gateway.h"
#include "support/http_client.h"
#include "support/mock_cluster.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;

class KafkaRecovery : public ::testing::Test {
 protected:
  struct instance {
    std::unique_ptr<bus::kafka_consumer> consumer;
    std::unique_ptr<bus::kafka_replayer> replayer;
    std::unique_ptr<gateway::gateway> gw;
  };

  void SetUp() override {
    kafka_.brokers = cluster_.bootstrap();
    kafka_.fetch_wait_max = 10ms;
    cluster_.create_odin_topics(kafka_.topics, 4);
    producer_ = std::make_unique<bus::kafka_producer>(kafka_);
    env_.start_instance = [this](const instance_settings& s) { return start(s); };
    env_.publish = [this](model::event_type t, const std::string& token, const std::string& v) {
      auto done = std::make_shared<std::promise<bool>>();
      auto result = done->get_future();
      producer_->produce(model::kind_of(t), token, v,
                         [done](auto r) { done->set_value(r.has_value()); });
      return result.wait_for(35s) == std::future_status::ready && result.get();
    };
  }

  void TearDown() override {
    for (auto& i : instances_) i.gw->stop();
  }

  uint16_t start(const instance_settings& s) {
    instance i;
    i.consumer = std::make_unique<bus::kafka_consumer>(kafka_);
    i.replayer = std::make_unique<bus::kafka_replayer>(kafka_);
    gateway::options opts;
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.io_threads = 1;
    opts.history_size = s.history_size;
    opts.recovery_max_events = s.recovery_max_events;
    opts.recovery_timeout = 20s;
    i.gw = std::make_unique<gateway::gateway>(opts, *i.consumer,
                                              std::make_shared<prometheus::Registry>());
    i.gw->set_replayer(*i.replayer);
    i.gw->start();
    const uint16_t port = i.gw->port();
    EXPECT_TRUE(wait_until([&] { return http_get(port, "/ready").status == 200; }, 30s))
        << "instance never became ready";
    instances_.push_back(std::move(i));
    return port;
  }

  mock_cluster cluster_{3};
  bus::kafka_options kafka_;
  std::unique_ptr<bus::kafka_producer> producer_;
  std::vector<instance> instances_;
  recovery_env env_;
};

TEST_F(KafkaRecovery, SamePositionOnEveryInstance) {
  scenario_same_position_on_every_instance(env_);
}
TEST_F(KafkaRecovery, ReconnectToAnotherInstanceAndToOneStartedAfterTheGap) {
  scenario_reconnect_to_any_instance(env_);
}
TEST_F(KafkaRecovery, NoGapNoDuplicateWhileAProducerHammersTheChannelFromMemory) {
  scenario_no_gap_no_duplicate_under_load(env_, 1000);
}
TEST_F(KafkaRecovery, NoGapNoDuplicateWhileAProducerHammersTheChannelFromTheBus) {
  scenario_no_gap_no_duplicate_under_load(env_, 0);
}
TEST_F(KafkaRecovery, NotRecoveredPastMaxEventsOrFromAnotherEpoch) {
  scenario_not_recovered(env_);
}
TEST_F(KafkaRecovery, GarbagePositionIsInvalidPosition) {
  scenario_invalid_position(env_);
}
TEST_F(KafkaRecovery, SnapshotDeliversTheLatestEventFirstFlagged) {
  scenario_snapshot(env_);
}
TEST_F(KafkaRecovery, SnapshotFromTheBusOnAnInstanceStartedAfterTheEvents) {
  scenario_snapshot_from_the_bus(env_);
}

}  // namespace
}  // namespace odin::test
