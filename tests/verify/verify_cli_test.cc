// `odin verify` as an operator runs it (the real binary) against librdkafka's mock cluster and
// an in-test schema registry: exit 0 PASS, 1 FAIL, 2 usage or connection error.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "admin/fake_registry.h"
#include "support/mock_cluster.h"
#include "support/process.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;

struct finished {
  std::optional<int> code;
  std::string out, err;
};

finished run_odin(std::vector<std::string> args, const std::map<std::string, std::string>& more,
                  std::chrono::seconds limit = 60s) {
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/bin:/bin"}, {"LOG_LEVEL", "warn"}, {"KAFKA_FETCH_WAIT_MAX_MS", "5"}};
  for (const auto& [k, v] : more) env[k] = v;
  args.push_back("--env-file");
  args.push_back("/dev/null");
  child_process p(ODIN_BINARY, args, env);
  const auto code = p.wait(limit);
  return {code, p.out(), p.err()};
}

std::string temp_path(const std::string& name) {
  return "/tmp/odin-verify-test-" + std::to_string(getpid()) + "-" + name;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  std::remove(path.c_str());
  return j;
}

// Thresholds the mock on shared cores always meets, except a throughput given here.
std::vector<std::string> relaxed_but(const std::string& min_throughput = "50") {
  return {"--max-avg-ms",     "5000",         "--max-p99-ms", "10000",
          "--min-throughput", min_throughput, "--quiet"};
}
const std::vector<std::string> relaxed = relaxed_but();

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(VerifyCli, HelpNamesTheThresholds) {
  const finished f = run_odin({"verify", "--help"}, {});
  ASSERT_EQ(f.code, 0);
  for (const char* flag : {"--max-avg-ms", "--max-p99-ms", "--min-throughput", "--registry",
                           "--report", "--rate", "--duration", "--count", "--topic"}) {
    EXPECT_NE(f.out.find(flag), std::string::npos) << flag;
  }
}

TEST(VerifyCli, UnmeetableThresholdIsFailAndExit1) {
  mock_cluster cluster(3);
  cluster.create_topic("market-telemetry", 12, 3);
  const std::string report = temp_path("fail.json");
  const finished f =
      run_odin(with({"verify", "--count", "300", "--rate", "600", "--report", report}, relaxed),
               {{"KAFKA_BROKERS", cluster.bootstrap()}});
  ASSERT_EQ(f.code, 0) << f.out << f.err;  // relaxed: passes
  EXPECT_NE(f.out.find("\nPASS\n"), std::string::npos) << f.out;
  // The same run with a throughput nobody reaches.
  const finished strict = run_odin(
      with({"verify", "--count", "300", "--rate", "600", "--report", report}, relaxed_but("1e9")),
      {{"KAFKA_BROKERS", cluster.bootstrap()}});
  ASSERT_EQ(strict.code, 1) << strict.out << strict.err;
  EXPECT_NE(strict.out.find("FAIL  "), std::string::npos) << strict.out;
  EXPECT_NE(strict.out.find("\nFAIL\n"), std::string::npos) << strict.out;
  const nlohmann::json j = read_json(report);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["result"], "FAIL");
  EXPECT_EQ(j["consumer"]["ours"], 300);
  EXPECT_EQ(j["validation"]["invalid"], 0);
  EXPECT_EQ(j["schemaId"], 0);
  for (const auto& c : j["checks"]) EXPECT_EQ(c["pass"], c["name"] != "throughput_msgs") << c;
}

TEST(VerifyCli, SchemaIdFromTheRegistry) {
  mock_cluster cluster(1);
  cluster.create_topic("market-telemetry", 3, 1);
  fake_registry registry;
  const std::map<std::string, std::string> env = {{"KAFKA_BROKERS", cluster.bootstrap()}};
  const finished missing =
      run_odin(with({"verify", "--count", "50", "--registry", registry.url()}, relaxed), env);
  EXPECT_EQ(missing.code, 2) << missing.err;
  EXPECT_NE(missing.err.find("odin schemas register"), std::string::npos) << missing.err;

  ASSERT_EQ(run_odin({"schemas", "register", "--registry", registry.url()}, {}).code, 0);
  const int id = registry.subjects().at("market-telemetry-value").at(0).id;
  const std::string report = temp_path("registry.json");
  const finished f =
      run_odin(with({"verify", "--count", "100", "--rate", "500", "--report", report}, relaxed),
               {{"KAFKA_BROKERS", cluster.bootstrap()}, {"SCHEMA_REGISTRY_URL", registry.url()}});
  ASSERT_EQ(f.code, 0) << f.out << f.err;
  EXPECT_NE(f.out.find("\nPASS\n"), std::string::npos) << f.out;
  const nlohmann::json j = read_json(report);
  EXPECT_EQ(j["schemaId"], id);
  EXPECT_EQ(j["schemaIdSource"], "registry " + registry.url() + ", subject market-telemetry-value");
  const auto log = cluster.read_log({"market-telemetry"}, 3, 20s);
  ASSERT_EQ(log.size(), 103u);
  std::string header(1, '\0');
  for (int shift = 24; shift >= 0; shift -= 8)
    header.push_back(static_cast<char>((id >> shift) & 0xff));
  for (const auto& r : log) {
    ASSERT_GE(r.value.size(), 5u);
    EXPECT_EQ(r.value.substr(0, 5), header);
  }
}

TEST(VerifyCli, UsageAndConnectionErrorsExit2) {
  const finished no_brokers = run_odin({"verify"}, {});
  EXPECT_EQ(no_brokers.code, 2);
  EXPECT_NE(no_brokers.err.find("KAFKA_BROKERS"), std::string::npos) << no_brokers.err;
  EXPECT_EQ(run_odin({"verify", "--no-such-flag"}, {}).code, 2);
  EXPECT_EQ(run_odin({"verify", "--format", "xml"}, {{"KAFKA_BROKERS", "127.0.0.1:1"}}).code, 2);
  const finished odin_topic =
      run_odin({"verify", "--topic", "odin.trades"}, {{"KAFKA_BROKERS", "127.0.0.1:1"}});
  EXPECT_EQ(odin_topic.code, 2);
  EXPECT_NE(odin_topic.err.find("one of Odin's event topics"), std::string::npos) << odin_topic.err;
  const finished down =
      run_odin({"verify", "--timeout", "1s"}, {{"KAFKA_BROKERS", "127.0.0.1:1"}}, 30s);
  EXPECT_EQ(down.code, 2);
  EXPECT_NE(down.err.find("is Kafka/Redpanda running?"), std::string::npos) << down.err;

  mock_cluster cluster(1);
  const finished no_topic =
      run_odin({"verify", "--count", "10"}, {{"KAFKA_BROKERS", cluster.bootstrap()}});
  EXPECT_EQ(no_topic.code, 2);
  EXPECT_NE(no_topic.err.find("topic market-telemetry does not exist"), std::string::npos)
      << no_topic.err;
}

}  // namespace
}  // namespace odin::test
