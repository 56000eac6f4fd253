// `odin topics` and `odin schemas register` as a user runs them (the real binary): against
// librdkafka's mock cluster (metadata only) and an in-test schema registry.
#include <gtest/gtest.h>

#include <chrono>

#include "admin/fake_registry.h"
#include "support/mock_cluster.h"
#include "support/process.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

std::map<std::string, std::string> env_with(const std::map<std::string, std::string>& more) {
  std::map<std::string, std::string> env = {{"PATH", "/usr/bin:/bin"}, {"LOG_LEVEL", "error"}};
  for (const auto& [k, v] : more) env[k] = v;
  return env;
}

struct finished {
  std::optional<int> code;
  clock::duration took;
  std::string out, err;
};

finished run_odin(std::vector<std::string> args, const std::map<std::string, std::string>& env,
                  std::chrono::seconds limit = 20s) {
  args.push_back("--env-file");
  args.push_back("/dev/null");
  const auto start = clock::now();
  child_process p(ODIN_BINARY, args, env_with(env));
  const auto code = p.wait(limit);
  return {code, clock::now() - start, p.out(), p.err()};
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(AdminCli, HelpListsTopicsAndSchemas) {
  child_process p(ODIN_BINARY, {"--help"}, env_with({}));
  ASSERT_EQ(p.wait(10s), 0);
  EXPECT_NE(p.out().find("topics"), std::string::npos) << p.out();
  EXPECT_NE(p.out().find("schemas"), std::string::npos) << p.out();
}

TEST(AdminCli, TopicsAgainstTheMockCluster) {
  mock_cluster cluster(1);
  cluster.create_odin_topics(model::topic_map{});
  const std::map<std::string, std::string> env = {{"KAFKA_BROKERS", cluster.bootstrap()}};

  const finished list = run_odin({"topics", "list", "--timeout", "5s"}, env);
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_EQ(count_of(list.out, "  12          1   *"), 8) << list.out;

  // The mock does not answer CreateTopics / DescribeConfigs: a clean failure, not a hang.
  const finished create = run_odin({"topics", "create", "--timeout", "2s"}, env);
  EXPECT_EQ(create.code, 1) << create.err;
  EXPECT_LT(create.took, 6s);
  EXPECT_NE(create.err.find("no answer from brokers " + cluster.bootstrap() +
                            " to CreateTopics within 2 s"),
            std::string::npos)
      << create.err;

  const finished describe = run_odin({"topics", "describe", "--timeout", "2s"}, env);
  EXPECT_EQ(describe.code, 1) << describe.err;
  EXPECT_LT(describe.took, 6s);
  EXPECT_NE(describe.out.find("odin.balances: 12 partitions, replication factor 1"),
            std::string::npos)
      << describe.out;
  EXPECT_NE(describe.err.find("topic market-telemetry does not exist"), std::string::npos);
  EXPECT_NE(describe.err.find("DescribeConfigs within 2 s"), std::string::npos) << describe.err;
}

TEST(AdminCli, TopicsCreateWithoutBrokersSaysWhatToCheck) {
  const std::string brokers = "127.0.0.1:" + std::to_string(free_port());
  const finished f = run_odin(
      {"topics", "create", "--timeout", "1s", "--replication-factor", "3", "--no-telemetry"},
      {{"KAFKA_BROKERS", brokers}});
  EXPECT_EQ(f.code, 1);
  EXPECT_LT(f.took, 5s);
  EXPECT_NE(f.err.find("no answer from brokers " + brokers +
                       " within 1 s \u2014 is Kafka/Redpanda running? (KAFKA_BROKERS)"),
            std::string::npos)
      << f.err;
}

TEST(AdminCli, BadFlagsAreConfigurationErrors) {
  EXPECT_EQ(run_odin({"topics", "create", "--timeout", "soon"}, {}).code, 2);
  const finished f = run_odin({"schemas", "register", "--registry", "https://x:8081"}, {});
  EXPECT_EQ(f.code, 2);
  EXPECT_NE(f.err.find("https is not supported"), std::string::npos) << f.err;
  EXPECT_NE(run_odin({"schemas", "register"}, {}).code, 0) << "--registry is required";
}

TEST(AdminCli, SchemasRegisterThenUnchanged) {
  fake_registry registry;
  const finished first = run_odin({"schemas", "register", "--registry", registry.url()}, {});
  ASSERT_EQ(first.code, 0) << first.out << first.err;
  EXPECT_EQ(count_of(first.out, "registered (new subject"), 24) << first.out;
  EXPECT_EQ(registry.subjects().size(), 24u);
  const finished second =
      run_odin({"schemas", "register"}, {{"SCHEMA_REGISTRY_URL", registry.url()}});
  ASSERT_EQ(second.code, 0) << second.out << second.err;
  EXPECT_EQ(count_of(second.out, "unchanged (version 1"), 24) << second.out;
}

}  // namespace
}  // namespace odin::test
