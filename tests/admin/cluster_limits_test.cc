// The retention check of `odin topics create|describe` from fake cluster answers: Redpanda's
// Admin API /v1/cluster_config body and a Kafka broker's DescribeConfigs entries.
#include <gtest/gtest.h>

#include <algorithm>

#include "admin/cluster_limits.h"
#include "admin/topic_spec.h"

namespace odin::admin {
namespace {

// What a Redpanda v24 broker answers by default (abridged: the real answer has ~400 keys).
constexpr const char* redpanda_defaults =
    R"({"log_segment_ms": 1209600000, "log_segment_ms_min": 600000,
        "log_segment_ms_max": 31536000000, "log_compaction_interval_ms": 10000,
        "auto_create_topics_enabled": false, "cluster_id": "x"})";

std::vector<topic_spec> all_specs() {
  std::vector<topic_spec> specs = odin_topic_specs(model::topic_map{}, 3);
  specs.push_back(market_telemetry_spec(3));
  return specs;
}

std::vector<std::string> warnings_about(const std::vector<std::string>& all,
                                        const std::string& topic) {
  std::vector<std::string> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const std::string& w) {
    return w.find(" of topic " + topic + " ") != std::string::npos;
  });
  return out;
}

TEST(ClusterLimits, RedpandaDefaultFloorDefeatsEveryOdinRetention) {
  cluster_limits limits;
  auto merged = merge_admin_api(limits, redpanda_defaults);
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_TRUE(merged.value());
  ASSERT_EQ(limits.segment_ms_min, 600000);
  const auto warnings = retention_warnings(retentions_of(all_specs()), limits);
  EXPECT_EQ(warnings.size(), 8u) << "the eight odin.* topics (segment.ms 10 s), not telemetry";
  const auto trades = warnings_about(warnings, "odin.trades");
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_NE(trades[0].find("warning: retention 30 s of topic odin.trades cannot take effect "
                           "while log_segment_ms_min is 10 min"),
            std::string::npos)
      << trades[0];
  EXPECT_NE(trades[0].find("about 10 min 30 s"), std::string::npos) << trades[0];
  EXPECT_NE(trades[0].find("rpk cluster config set log_segment_ms_min 10000"), std::string::npos)
      << trades[0];
  EXPECT_TRUE(warnings_about(warnings, "market-telemetry").empty());
  const auto metadata = warnings_about(warnings, "odin.metadata");
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_NE(metadata[0].find("retention 1 h of topic"), std::string::npos) << metadata[0];
}

TEST(ClusterLimits, FloorAtTheSpecsSegmentMsIsSilent) {
  cluster_limits limits;
  ASSERT_TRUE(merge_admin_api(
      limits, R"({"log_segment_ms_min": 10000, "log_compaction_interval_ms": "10000"})"));
  EXPECT_EQ(limits.retention_check_ms, 10000);
  EXPECT_EQ(limits.retention_check_name, "log_compaction_interval_ms");
  EXPECT_TRUE(retention_warnings(retentions_of(all_specs()), limits).empty());
}

TEST(ClusterLimits, KafkaRetentionCheckIntervalDefeatsShortRetentions) {
  topic_configs broker{"1", {}, {}};
  broker.entries["log.retention.check.interval.ms"] = {"300000", true};
  broker.entries["log.retention.ms"] = {"604800000", true};
  cluster_limits limits;
  merge_broker_configs(limits, broker);
  ASSERT_EQ(limits.retention_check_ms, 300000);
  const auto warnings = retention_warnings(retentions_of(all_specs()), limits);
  // 30 s (trades, balances) and 1 min (liquidity); 5 min topics are not below the interval.
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_EQ(warnings_about(warnings, "odin.balances").size(), 1u);
  EXPECT_EQ(warnings_about(warnings, "odin.liquidity").size(), 1u);
  EXPECT_NE(warnings_about(warnings, "odin.trades")[0].find(
                "while log.retention.check.interval.ms is 5 min"),
            std::string::npos);
  EXPECT_TRUE(warnings_about(warnings, "odin.analytics").empty());
}

TEST(ClusterLimits, BrokerErrorAndGarbageAreNotesNotWarnings) {
  cluster_limits limits;
  merge_broker_configs(limits, topic_configs{"1", {}, "INVALID_REQUEST: Unexpected broker id"});
  ASSERT_EQ(limits.notes.size(), 1u);
  EXPECT_NE(limits.notes[0].find("broker 1 did not describe its configs: INVALID_REQUEST"),
            std::string::npos);
  auto merged = merge_admin_api(limits, "<html>not json</html>");
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().code, admin_errc::protocol);
  EXPECT_TRUE(retention_warnings(retentions_of(all_specs()), limits).empty());
}

TEST(ClusterLimits, DescribeUsesTheBrokersValues) {
  topic_configs tc{"odin.trades", {}, {}};
  tc.entries["retention.ms"] = {"30000", false};
  tc.entries["segment.ms"] = {"600000", false};  // someone raised it on the topic
  auto r = retention_from(tc);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->retention_ms, 30000);
  EXPECT_EQ(r->segment_ms, 600000);
  cluster_limits limits;
  limits.segment_ms_min = 600000;
  EXPECT_TRUE(retention_warnings({*r}, limits).empty()) << "segment.ms not below the floor";
  EXPECT_FALSE(retention_from(topic_configs{"x", {}, "UNKNOWN_TOPIC_OR_PART"}));
}

TEST(ClusterLimits, FormatsDurations) {
  EXPECT_EQ(format_ms(30000), "30 s");
  EXPECT_EQ(format_ms(600000), "10 min");
  EXPECT_EQ(format_ms(630000), "10 min 30 s");
  EXPECT_EQ(format_ms(4200000), "1 h 10 min");
  EXPECT_EQ(format_ms(1500), "1.5 s");
  EXPECT_EQ(format_ms(250), "250 ms");
  EXPECT_EQ(format_ms(-1), "unlimited");
}

}  // namespace
}  // namespace odin::admin
