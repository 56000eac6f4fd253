// deploy/setup-topics.sh with a stand-in `rpk` on PATH that records its arguments: the script
// asks for exactly the topics and settings of admin::odin_topic_specs / market_telemetry_spec,
// alters an existing topic to the spec, and fails loudly when rpk does.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "admin/topic_spec.h"
#include "support/process.h"

namespace odin::admin {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Logs one line per call; `topic create` of a topic named in RPK_EXISTING answers like rpk
// does for an existing topic; RPK_FAIL makes every create fail.
constexpr const char* fake_rpk = R"(#!/bin/sh
echo "$*" >> "$RPK_LOG"
if [ "$1 $2" = "topic create" ]; then
  [ -n "${RPK_FAIL:-}" ] && { echo "TOPIC STATUS"; echo "$3 POLICY_VIOLATION: no"; exit 1; }
  case " ${RPK_EXISTING:-} " in *" $3 "*)
    echo "TOPIC STATUS"; echo "$3 TOPIC_ALREADY_EXISTS: The topic has already been created"; exit 1;;
  esac
  echo "TOPIC STATUS"; echo "$3 OK"
fi
exit 0
)";

class SetupTopicsScript : public ::testing::Test {
 protected:
  SetupTopicsScript() {
    dir_ = fs::temp_directory_path() /
           ("odin-setup-topics-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    std::ofstream(dir_ / "rpk") << fake_rpk;
    fs::permissions(dir_ / "rpk", fs::perms::owner_all);
  }
  ~SetupTopicsScript() override { fs::remove_all(dir_); }

  int run(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
    env["PATH"] = dir_.string() + ":/usr/bin:/bin";
    env["RPK_LOG"] = (dir_ / "log").string();
    std::vector<std::string> argv{ODIN_SETUP_TOPICS};
    argv.insert(argv.end(), args.begin(), args.end());
    test::child_process p("/bin/bash", argv, env);
    const auto code = p.wait(30s);
    out_ = p.out() + p.err();
    return code.value_or(-1);
  }

  std::vector<std::string> calls() const {
    std::ifstream in(dir_ / "log");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  static std::string create_call(const topic_spec& s, const std::string& brokers) {
    std::string call = "topic create " + s.name + " -X brokers=" + brokers + " -p " +
                       std::to_string(s.partitions) + " -r " + std::to_string(s.replication_factor);
    for (const auto& [k, v] : ordered(s)) call += " -c " + k + "=" + v;
    return call;
  }
  // The script passes configs in the plan's (docs/plan.md) order, not the map's.
  static std::vector<std::pair<std::string, std::string>> ordered(const topic_spec& s) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const char* key : {"retention.ms", "segment.ms", "cleanup.policy", "compression.type",
                            "max.message.bytes", "min.insync.replicas"}) {
      if (s.configs.count(key)) out.emplace_back(key, s.configs.at(key));
    }
    EXPECT_EQ(out.size(), s.configs.size()) << s.name << " has a key the script does not know";
    return out;
  }

  fs::path dir_;
  std::string out_;
};

TEST_F(SetupTopicsScript, CreatesTheSpecsTopicsForProduction) {
  ASSERT_EQ(run({"--replication-factor", "3"}, {{"KAFKA_BROKERS", "rp-0:9092,rp-1:9092"}}), 0)
      << out_;
  std::vector<topic_spec> specs = odin_topic_specs(model::topic_map{}, 3);
  specs.push_back(market_telemetry_spec(3));
  const auto log = calls();
  ASSERT_EQ(log.size(), specs.size() + 1) << out_;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(log[i], create_call(specs[i], "rp-0:9092,rp-1:9092"));
  }
  EXPECT_EQ(log.back(), "topic list -X brokers=rp-0:9092,rp-1:9092");
}

TEST_F(SetupTopicsScript, DevDefaultsAndTopicOverrides) {
  ASSERT_EQ(run({"--no-telemetry"}, {{"KAFKA_TOPIC_TRADES", "dev.trades"}}), 0) << out_;
  model::topic_map topics;
  topics.set(model::kind::trade, "dev.trades");
  const std::vector<topic_spec> specs = odin_topic_specs(topics, 1);
  const auto log = calls();
  ASSERT_EQ(log.size(), 9u) << out_;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(log[i], create_call(specs[i], "localhost:19092"));
  }
}

TEST_F(SetupTopicsScript, AnExistingTopicIsAlteredToTheSpec) {
  ASSERT_EQ(run({}, {{"RPK_EXISTING", "odin.social"}}), 0) << out_;
  const auto log = calls();
  ASSERT_EQ(log.size(), 11u) << out_;
  EXPECT_EQ(log[4],
            "topic alter-config odin.social -X brokers=localhost:19092 --set retention.ms=3600000 "
            "--set segment.ms=10000 --set cleanup.policy=delete --set compression.type=snappy "
            "--set max.message.bytes=1048576 --set min.insync.replicas=1");
  EXPECT_NE(out_.find("exists   odin.social: configs set to the spec"), std::string::npos) << out_;
}

TEST_F(SetupTopicsScript, FailuresAreReportedAndExitNonZero) {
  EXPECT_EQ(run({}, {{"RPK_FAIL", "1"}}), 1) << out_;
  EXPECT_NE(out_.find("failed   odin.trades: TOPIC STATUS"), std::string::npos) << out_;
  EXPECT_EQ(run({"--replication-factor", "zero"}), 2) << out_;
}

}  // namespace
}  // namespace odin::admin
