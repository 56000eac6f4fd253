// A gateway's consumer group is stable across restarts: KAFKA_GROUP_ID + KAFKA_INSTANCE_ID, or
// + the hostname; never the pid (every restart used to leave an orphan group on the broker).
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <string>

#include "bus/kafka_consumer.h"

namespace odin::bus {
namespace {

TEST(KafkaGroupId, InstanceIdElseHostnameNeverThePid) {
  kafka_options o;
  o.instance_id = "gw-1";
  EXPECT_EQ(kafka_group_id(o), "ws-server-gw-1");
  o.group_id = "prod-ws";
  EXPECT_EQ(kafka_group_id(o), "prod-ws-gw-1");

  o.instance_id.clear();
  std::array<char, 256> host{};
  ASSERT_EQ(gethostname(host.data(), host.size() - 1), 0);
  EXPECT_EQ(kafka_group_id(o), "prod-ws-" + std::string(host.data()));
  EXPECT_EQ(kafka_group_id(o), kafka_group_id(o)) << "the same on every call (and restart)";
  EXPECT_EQ(kafka_group_id(o).find(std::to_string(getpid())), std::string::npos);
}

}  // namespace
}  // namespace odin::bus
