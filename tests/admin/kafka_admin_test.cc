// `odin topics` logic against librdkafka's mock cluster (answers metadata, not CreateTopics /
// DescribeConfigs) and against a port where nothing listens: every call ends within its
// timeout with a clear message and a non-zero exit code, never a hang.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "admin/cluster_limits.h"
#include "admin/fake_registry.h"
#include "admin/kafka_admin.h"
#include "admin/topic_commands.h"
#include "support/mock_cluster.h"
#include "support/process.h"

namespace odin::admin {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

constexpr auto timeout = 1500ms;
// librdkafka's own request timeout or our poll deadline (timeout + 1 s) ends the wait.
constexpr auto allowed = timeout + 2500ms;

bus::kafka_options options_for(const std::string& brokers) {
  bus::kafka_options o;
  o.brokers = brokers;
  return o;
}

struct captured {
  int code = -1;
  std::string out, err;
  clock::duration took{};
};

template <class F>
captured run(F&& f) {
  std::ostringstream out, err;
  captured c;
  const auto start = clock::now();
  c.code = f(out, err);
  c.took = clock::now() - start;
  c.out = out.str();
  c.err = err.str();
  return c;
}

// The whitespace-separated cells of the table row that starts with `first`.
std::vector<std::string> row_of(const std::string& table, const std::string& first) {
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream cells(line);
    std::vector<std::string> row;
    for (std::string cell; cells >> cell;) row.push_back(cell);
    if (!row.empty() && row[0] == first) return row;
  }
  return {};
}

// One mock cluster for the suite: creating one takes a second or more.
class AdminAgainstMock : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new test::mock_cluster(3);
    shared_->create_odin_topics(model::topic_map{});
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  static inline test::mock_cluster* shared_ = nullptr;
  test::mock_cluster& cluster_ = *shared_;
};

TEST_F(AdminAgainstMock, ListShowsTheEightTopicsWithTwelvePartitions) {
  kafka_admin admin(options_for(cluster_.bootstrap()), timeout);
  const captured c = run(
      [&](auto& out, auto& err) { return run_topics_list(admin, model::topic_map{}, out, err); });
  ASSERT_EQ(c.code, 0) << c.err;
  for (const std::string& t : model::topic_map{}.all_topics()) {
    EXPECT_EQ(row_of(c.out, t), (std::vector<std::string>{t, "12", "3", "*"})) << c.out;
  }
  EXPECT_NE(c.out.find("on 3 broker(s)"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("missing Odin topics: market-telemetry"), std::string::npos) << c.out;
}

TEST_F(AdminAgainstMock, MetadataHasLeadersReplicasAndIsr) {
  kafka_admin admin(options_for(cluster_.bootstrap()), timeout);
  auto md = admin.metadata();
  ASSERT_TRUE(md) << md.error().message;
  EXPECT_EQ(md.value().brokers.size(), 3u);
  const topic_info* t = md.value().find("odin.trades");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->partitions.size(), 12u);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(t->partitions[i].id, i);
    EXPECT_GE(t->partitions[i].leader, 1);
    EXPECT_EQ(t->partitions[i].replicas.size(), 3u);
  }
}

TEST_F(AdminAgainstMock, CreateFailsWithTheTimeoutMessageNotAHang) {
  kafka_admin admin(options_for(cluster_.bootstrap()), timeout);
  std::vector<topic_spec> specs = odin_topic_specs(model::topic_map{}, 3);
  specs.push_back(market_telemetry_spec(3));
  const captured c = run([&](auto& out, auto& err) {
    return run_topics_create(admin, specs, std::nullopt, out, err);
  });
  EXPECT_EQ(c.code, 1);
  EXPECT_LT(c.took, allowed);
  EXPECT_NE(c.err.find("no answer from brokers " + cluster_.bootstrap()), std::string::npos)
      << c.err;
  EXPECT_NE(c.err.find("CreateTopics within 1.5 s"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("(KAFKA_BROKERS)"), std::string::npos) << c.err;
}

TEST_F(AdminAgainstMock, DescribeShowsPartitionsThenFailsOnConfigsWithinTheTimeout) {
  kafka_admin admin(options_for(cluster_.bootstrap()), timeout);
  const captured c = run([&](auto& out, auto& err) {
    return run_topics_describe(admin, model::topic_map{}, {"odin.trades"}, std::nullopt, out, err);
  });
  EXPECT_EQ(c.code, 1);
  EXPECT_LT(c.took, allowed);
  EXPECT_NE(c.out.find("odin.trades: 12 partitions, replication factor 3"), std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("PARTITION  LEADER  REPLICAS"), std::string::npos) << c.out;
  EXPECT_NE(c.err.find("DescribeConfigs within 1.5 s"), std::string::npos) << c.err;
}

TEST_F(AdminAgainstMock, DescribeOfAMissingTopicSaysSo) {
  kafka_admin admin(options_for(cluster_.bootstrap()), timeout);
  const captured c = run([&](auto& out, auto& err) {
    return run_topics_describe(admin, model::topic_map{}, {"nope"}, std::nullopt, out, err);
  });
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.err.find("topic nope does not exist"), std::string::npos) << c.err;
}

// The mock answers metadata but not DescribeConfigs (no answer, or _UNSUPPORTED_FEATURE once
// connected): the cluster limits still come from the (fake) Redpanda Admin API, and the broker
// is a note, not a failure or a hang.
TEST_F(AdminAgainstMock, ClusterLimitsFromTheAdminApiWhileTheBrokerIsSilent) {
  test::fake_registry admin_api;  // serves canned GETs: here Redpanda's /v1/cluster_config
  admin_api.serve_get(
      "/v1/cluster_config",
      {200, R"({"log_segment_ms_min": 600000, "log_compaction_interval_ms": 10000})"});
  auto url = parse_http_url(admin_api.url());
  ASSERT_TRUE(url);
  kafka_admin admin(options_for(cluster_.bootstrap()), timeout);
  cluster_limits limits;
  const captured c = run([&](auto&, auto&) {
    limits = read_cluster_limits(admin, 1, url.value());
    return 0;
  });
  EXPECT_LT(c.took, allowed);
  EXPECT_EQ(limits.segment_ms_min, 600000);
  ASSERT_EQ(limits.notes.size(), 1u);
  EXPECT_EQ(limits.notes[0].rfind("note: broker configs not read: ", 0), 0u) << limits.notes[0];
  std::ostringstream err;
  print_retention_check(retentions_of(odin_topic_specs(model::topic_map{}, 3)), limits, err);
  EXPECT_NE(err.str().find("warning: retention 30 s of topic odin.balances cannot take effect "
                           "while log_segment_ms_min is 10 min"),
            std::string::npos)
      << err.str();
}

TEST(AdminApi, UnreachableOrWrongAnswerIsANote) {
  test::fake_registry server;  // no canned answer: GET /v1/cluster_config is a 404
  cluster_limits limits;
  const std::string brokers = "127.0.0.1:" + std::to_string(test::free_port());
  kafka_admin admin(options_for(brokers), 500ms);
  limits = read_cluster_limits(admin, 1, parse_http_url(server.url()).value());
  ASSERT_GE(limits.notes.size(), 2u);
  EXPECT_NE(limits.notes[0].find("/v1/cluster_config answered HTTP 404"), std::string::npos)
      << limits.notes[0];
  EXPECT_FALSE(limits.segment_ms_min);
}

TEST(AdminWithoutBrokers, EveryCommandTimesOutWithAHint) {
  const std::string brokers = "127.0.0.1:" + std::to_string(test::free_port());
  kafka_admin admin(options_for(brokers), 1000ms);
  const captured c = run([&](auto& out, auto& err) {
    return run_topics_create(admin, odin_topic_specs(model::topic_map{}, 1), std::nullopt, out,
                             err);
  });
  EXPECT_EQ(c.code, 1);
  EXPECT_LT(c.took, 1000ms + 2500ms);
  EXPECT_NE(c.err.find("no answer from brokers " + brokers +
                       " within 1 s \u2014 is Kafka/Redpanda running? (KAFKA_BROKERS)"),
            std::string::npos)
      << c.err;
  const captured l = run(
      [&](auto& out, auto& err) { return run_topics_list(admin, model::topic_map{}, out, err); });
  EXPECT_EQ(l.code, 1);
  EXPECT_NE(l.err.find("is Kafka/Redpanda running?"), std::string::npos) << l.err;
}

}  // namespace
}  // namespace odin::admin
