// Issue 10 on the embedded bus (odin dev): several gateway instances over one memory bus, each
// with its own consumer and its own recovery reader.
#include <gtest/gtest.h>

#include <prometheus/registry.h>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>

#include "bus/memory_bus.h"
#include "bus/memory_replayer.h"
#include "e2e/recovery_scenario.h"
#include "gateway/gateway.h"
#include "support/test_io_threads.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;

class EmbeddedRecovery : public ::testing::Test {
 protected:
  struct instance {
    std::unique_ptr<bus::consumer> consumer;
    std::unique_ptr<bus::memory_replayer> replayer;
    std::unique_ptr<gateway::gateway> gw;
  };

  explicit EmbeddedRecovery(bus::memory_options o = {}) : bus_(o), producer_(bus_.make_producer()) {
    env_.start_instance = [this](const instance_settings& s) { return start(s); };
    env_.publish = [this](model::event_type t, const std::string& token, const std::string& v) {
      auto done = std::make_shared<std::promise<bool>>();
      auto result = done->get_future();
      producer_->produce(model::kind_of(t), token, v,
                         [done](auto r) { done->set_value(r.has_value()); });
      return result.wait_for(5s) == std::future_status::ready && result.get();
    };
  }

  ~EmbeddedRecovery() override {
    for (auto& i : instances_) i.gw->stop();
  }

  uint16_t start(const instance_settings& s) {
    instance i;
    i.consumer = bus_.make_consumer();
    i.replayer = std::make_unique<bus::memory_replayer>(bus_);
    gateway::options opts;
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.io_threads = ::odin::test::io_threads_or(2);
    opts.history_size = s.history_size;
    opts.recovery_max_events = s.recovery_max_events;
    i.gw = std::make_unique<gateway::gateway>(opts, *i.consumer,
                                              std::make_shared<prometheus::Registry>());
    i.gw->set_replayer(*i.replayer);
    i.gw->start();
    const uint16_t port = i.gw->port();
    instances_.push_back(std::move(i));
    return port;
  }

  bus::memory_bus bus_;
  std::unique_ptr<bus::producer> producer_;
  std::vector<instance> instances_;
  recovery_env env_;
};

TEST_F(EmbeddedRecovery, SamePositionOnEveryInstance) {
  scenario_same_position_on_every_instance(env_);
}
TEST_F(EmbeddedRecovery, ReconnectToAnotherInstanceAndToOneStartedAfterTheGap) {
  scenario_reconnect_to_any_instance(env_);
}
TEST_F(EmbeddedRecovery, NoGapNoDuplicateWhileAProducerHammersTheChannelFromMemory) {
  scenario_no_gap_no_duplicate_under_load(env_, 1000);
}
TEST_F(EmbeddedRecovery, NoGapNoDuplicateWhileAProducerHammersTheChannelFromTheBus) {
  scenario_no_gap_no_duplicate_under_load(env_, 0);
}
TEST_F(EmbeddedRecovery, NotRecoveredPastMaxEventsOrFromAnotherEpoch) {
  scenario_not_recovered(env_);
}
TEST_F(EmbeddedRecovery, GarbagePositionIsInvalidPosition) {
  scenario_invalid_position(env_);
}
TEST_F(EmbeddedRecovery, SnapshotDeliversTheLatestEventFirstFlagged) {
  scenario_snapshot(env_);
}
TEST_F(EmbeddedRecovery, SnapshotFromTheBusOnAnInstanceStartedAfterTheEvents) {
  scenario_snapshot_from_the_bus(env_);
}

// Retention: a bus keeping 16 records per partition; the position's record is gone.
class EmbeddedRecoveryShortRetention : public EmbeddedRecovery {
 protected:
  static bus::memory_options short_retention() {
    bus::memory_options o;
    o.partitions = 1;
    o.retention_records = 16;
    return o;
  }
  EmbeddedRecoveryShortRetention() : EmbeddedRecovery(short_retention()) {}
};

TEST_F(EmbeddedRecoveryShortRetention, SinceOlderThanRetentionIsNotRecovered) {
  const uint16_t a = start({});
  const uint16_t bus_only = start({0, 1000});
  ws_client c("127.0.0.1", a);
  ASSERT_TRUE(c.request(R"({"type":"subscribe","channels":["RET.trade"]})", 5s));
  publish_numbered(env_, "RET", 0, 1);
  std::string pos;
  for (int i = 0; i < 50 && pos.empty(); ++i) {
    auto msg = c.read_text(100ms);
    received_event ev;
    if (msg && parse_event_frame(*msg, ev)) pos = ev.pos;
  }
  ASSERT_FALSE(pos.empty());
  publish_numbered(env_, "RET", 1, 40);  // retention drops the first record
  ws_client late("127.0.0.1", bus_only);
  const auto reply = late.request(
      R"({"type":"subscribe","channels":["RET.trade"],"since":{"RET.trade":")" + pos + R"("}})",
      5s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(nlohmann::json::parse(*reply)["recovered"], (nlohmann::json{{"RET.trade", false}}))
      << *reply;
}

}  // namespace
}  // namespace odin::test
