// The exact topic specs `odin topics create` applies: names (with KAFKA_TOPIC_* overrides),
// partitions, replication factor and every config key and value.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "admin/topic_check.h"
#include "admin/topic_spec.h"

namespace odin::admin {
namespace {

using configs = std::map<std::string, std::string>;

configs plan_configs(const std::string& retention, const std::string& min_insync) {
  return {{"retention.ms", retention},      {"segment.ms", "10000"},
          {"cleanup.policy", "delete"},     {"compression.type", "snappy"},
          {"max.message.bytes", "1048576"}, {"min.insync.replicas", min_insync}};
}

const std::map<std::string, std::string> plan_retention = {
    {"odin.trades", "30000"},     {"odin.liquidity", "60000"},  {"odin.metadata", "3600000"},
    {"odin.social", "3600000"},   {"odin.community", "300000"}, {"odin.creation", "3600000"},
    {"odin.analytics", "300000"}, {"odin.balances", "30000"},
};

TEST(TopicSpecs, ThePlansEightTopicsForDev) {
  const auto specs = odin_topic_specs(model::topic_map{}, 1);
  ASSERT_EQ(specs.size(), 8u);
  const char* order[] = {"odin.trades",    "odin.liquidity", "odin.metadata",  "odin.social",
                         "odin.community", "odin.creation",  "odin.analytics", "odin.balances"};
  for (std::size_t i = 0; i < specs.size(); ++i) {
    SCOPED_TRACE(specs[i].name);
    EXPECT_EQ(specs[i].name, order[i]);
    EXPECT_EQ(specs[i].partitions, 12);
    EXPECT_EQ(specs[i].replication_factor, 1);
    EXPECT_EQ(specs[i].configs, plan_configs(plan_retention.at(order[i]), "1"));
  }
}

TEST(TopicSpecs, ProductionReplicationRaisesMinInsyncToTwo) {
  for (const topic_spec& s : odin_topic_specs(model::topic_map{}, 3, 24)) {
    SCOPED_TRACE(s.name);
    EXPECT_EQ(s.partitions, 24);
    EXPECT_EQ(s.replication_factor, 3);
    EXPECT_EQ(s.configs, plan_configs(plan_retention.at(s.name), "2"));
  }
}

TEST(TopicSpecs, MinInsyncRule) {
  EXPECT_EQ(min_insync_replicas(1), 1);
  EXPECT_EQ(min_insync_replicas(2), 1);
  EXPECT_EQ(min_insync_replicas(3), 2);
  EXPECT_EQ(min_insync_replicas(5), 2);
}

TEST(TopicSpecs, TopicOverridesAreUsedWithTheirKindsRetention) {
  model::topic_map topics;
  topics.set(model::kind::trade, "prod.trades");
  topics.set(model::kind::balances, "prod.balances");
  const auto specs = odin_topic_specs(topics, 1);
  EXPECT_EQ(specs[0].name, "prod.trades");
  EXPECT_EQ(specs[0].configs.at("retention.ms"), "30000");
  EXPECT_EQ(specs[7].name, "prod.balances");
  EXPECT_EQ(specs[7].configs.at("retention.ms"), "30000");
  EXPECT_EQ(specs[2].name, "odin.metadata");
  EXPECT_EQ(specs[2].configs.at("retention.ms"), "3600000");
}

TEST(TopicSpecs, MarketTelemetryIsPhaseOnes) {
  const topic_spec t = market_telemetry_spec();
  EXPECT_EQ(t.name, "market-telemetry");
  EXPECT_EQ(t.partitions, 12);
  EXPECT_EQ(t.replication_factor, 3);
  EXPECT_EQ(t.configs, (configs{{"retention.ms", "604800000"}, {"cleanup.policy", "delete"}}));
  EXPECT_EQ(market_telemetry_spec(1).replication_factor, 1);
}

TEST(TopicSpecs, ExpectedSpecFollowsTheTopicsReplication) {
  model::topic_map topics;
  topics.set(model::kind::social, "x.social");
  auto social = expected_spec(topics, "x.social", 3);
  ASSERT_TRUE(social);
  EXPECT_EQ(social->configs.at("retention.ms"), "3600000");
  EXPECT_EQ(social->configs.at("min.insync.replicas"), "2");
  EXPECT_EQ(expected_spec(topics, "market-telemetry", 1)->replication_factor, 1);
  EXPECT_FALSE(expected_spec(topics, "odin.social", 1)) << "overridden away: not ours";
  EXPECT_EQ(odin_topic_names(topics).size(), 9u);
  EXPECT_EQ(odin_topic_names(topics).back(), "market-telemetry");
}

TEST(TopicCheck, ReportsEachDifferingKeyAndMissingOnes) {
  const topic_spec spec = odin_topic_specs(model::topic_map{}, 1)[0];  // odin.trades
  topic_configs tc{"odin.trades", {}, {}};
  for (const auto& [k, v] : spec.configs) tc.entries[k] = {v, false};
  tc.entries["retention.ms"] = {"60000", false};
  tc.entries.erase("min.insync.replicas");
  tc.entries["flush.ms"] = {"100", true};  // not in the spec: ignored
  topic_info meta{
      "odin.trades", std::vector<partition_info>(6, partition_info{0, 1, {1}, {1}, {}}), {}};
  const spec_check check = check_topic(spec, tc, &meta);
  ASSERT_EQ(check.differences.size(), 2u);
  EXPECT_EQ(check.differences[0].key, "partitions");
  EXPECT_EQ(check.differences[0].actual, "6");
  EXPECT_EQ(check.differences[0].expected, "12");
  EXPECT_EQ(check.differences[1].key, "retention.ms");
  EXPECT_EQ(describe_differences(check.differences),
            "partitions 6 \u2260 12, retention.ms 60000 \u2260 30000");
  EXPECT_EQ(check.not_reported, std::vector<std::string>{"min.insync.replicas"});
}

TEST(TopicCheck, MatchingTopicHasNoDifferences) {
  const topic_spec spec = market_telemetry_spec(3);
  topic_configs tc{spec.name, {}, {}};
  for (const auto& [k, v] : spec.configs) tc.entries[k] = {v, false};
  topic_info meta{spec.name,
                  std::vector<partition_info>(12, partition_info{0, 1, {1, 2, 3}, {1, 2, 3}, {}}),
                  {}};
  const spec_check check = check_topic(spec, tc, &meta);
  EXPECT_TRUE(check.differences.empty());
  EXPECT_TRUE(check.not_reported.empty());
}

}  // namespace
}  // namespace odin::admin
