// The reconnect scenario end to end: the `odin dev` binary and `odin loadtest` (the binary, so
// its flags and --report JSON are what is checked) with clients dropping and reconnecting with
// "since" while the simulator publishes. Nothing may be lost across the reconnects; a reconnect
// that fails is counted by its reason.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// `odin dev` on port 0 (its banner names the port), 200 events/s over four tokens.
std::unique_ptr<child_process> start_dev(const std::map<std::string, std::string>& extra,
                                         uint16_t& port) {
  std::map<std::string, std::string> env = {{"PATH", "/usr/bin:/bin"},
                                            {"LOG_FORMAT", "text"},
                                            {"LOG_LEVEL", "warn"},
                                            {"WS_ADDR", "127.0.0.1:0"},
                                            {"PORT", "0"},
                                            {"WS_CPU_REJECT_THRESHOLD", "100"},
                                            {"SIM_RATE", "200"},
                                            {"SIM_TOKENS", "AAA,BBB,CCC,DDD"},
                                            {"SIM_SEED", "11"}};
  for (const auto& [k, v] : extra) env[k] = v;
  auto dev = std::make_unique<child_process>(
      ODIN_BINARY, std::vector<std::string>{"dev", "--env-file", "/dev/null"}, env);
  port = printed_port(*dev, "WebSocket  ws://127.0.0.1:", 20s).value_or(0);
  return dev;
}

// Runs `odin loadtest` with `args` after the common ones; its --report JSON (null if none).
json run_loadtest(uint16_t port, std::vector<std::string> args, std::string& output) {
  const std::string report_path = (std::filesystem::temp_directory_path() /
                                   ("odin-reconnect-" + std::to_string(::getpid()) + ".json"))
                                      .string();
  std::vector<std::string> all = {
      "loadtest", "--server",        "ws://127.0.0.1:" + std::to_string(port),
      "--tokens", "AAA,BBB,CCC,DDD", "--bundle",
      "TRADING",  "--quiet",         "--report",
      report_path};
  all.insert(all.end(), args.begin(), args.end());
  child_process lt(ODIN_BINARY, all, {{"PATH", "/usr/bin:/bin"}});
  const auto code = lt.wait(60s);
  output = lt.out() + lt.err();
  EXPECT_TRUE(code.has_value()) << "loadtest did not finish";
  EXPECT_EQ(code.value_or(-1), 0) << output;
  std::ifstream in(report_path);
  if (!in) return json();
  json r = json::parse(in);
  std::filesystem::remove(report_path);
  return r;
}

TEST(LoadtestReconnect, PeriodicAndBurstReconnectsLoseNothing) {
  uint16_t port = 0;
  auto dev = start_dev({}, port);
  ASSERT_NE(port, 0) << dev->err();
  std::string output;
  const json r =
      run_loadtest(port,
                   {"--target", "120", "--duration", "6", "--drain", "2", "--reconnect-percent",
                    "20", "--reconnect-every", "1", "--reconnect-burst", "40",
                    "--reconnect-burst-within", "0.5", "--reconnect-burst-at", "3.2"},
                   output);
  ASSERT_FALSE(r.is_null()) << "no report: " << output;
  const json& rec = r.at("reconnects");
  const json& ev = r.at("events");
  SCOPED_TRACE(output);
  // 5 rounds of 20 % of 120 = 24, plus the burst's 40 (minus any still reconnecting when due).
  EXPECT_GE(rec.at("started").get<int>(), 100);
  EXPECT_EQ(rec.at("resubscribed"), rec.at("started")) << "every reconnect got its subscribed";
  EXPECT_EQ(rec.at("failed").get<int>(), 0);
  EXPECT_TRUE(rec.at("failures").empty());
  EXPECT_GT(rec.at("recovered_true").get<int>(), 0);
  EXPECT_EQ(rec.at("recovered_false").get<int>(), 0) << "gaps of ~1 s are within the history";
  EXPECT_EQ(rec.at("to_subscribed_us").at("count"), rec.at("resubscribed"));
  EXPECT_EQ(rec.at("burst").at("clients").get<int>(), 40);
  EXPECT_GT(rec.at("burst").at("to_subscribed_us").at("count").get<int>(), 30);
  EXPECT_LE(rec.at("burst").at("to_subscribed_us").at("count").get<int>(), 40)
      << "only the burst's own reconnects";
  EXPECT_GT(rec.at("burst").at("others_latency_before_us").at("count").get<int>(), 0);
  EXPECT_GT(rec.at("burst").at("others_latency_during_us").at("count").get<int>(), 0);
  // Nothing lost, nothing twice, across every reconnect.
  EXPECT_GT(ev.at("received").get<int>(), 0);
  EXPECT_EQ(ev.at("loss").get<int>(), 0);
  EXPECT_EQ(ev.at("duplicates").get<int>(), 0);
  EXPECT_EQ(ev.at("out_of_order").get<int>(), 0);
  EXPECT_EQ(ev.at("unexpected").get<int>(), 0);
  EXPECT_EQ(r.at("connections").at("failed").get<int>(), 0);

  dev->signal(SIGTERM);
  EXPECT_EQ(dev->wait(10s), 0) << dev->err();
}

// Every loopback client shares 127.0.0.1: a per-IP upgrade bucket of 45 (refilled at 0.5/s) lets
// the 40 first connections in and refuses most of the 30 reconnects of the burst with 429. Each
// failed reconnect must be in the report under its reason.
TEST(LoadtestReconnect, RefusedReconnectsAreCountedByReason) {
  uint16_t port = 0;
  auto dev =
      start_dev({{"WS_UPGRADE_RATE_PER_IP", "0.5"}, {"WS_UPGRADE_BURST_PER_IP", "45"}}, port);
  ASSERT_NE(port, 0) << dev->err();
  std::string output;
  const json r =
      run_loadtest(port,
                   {"--target", "40", "--duration", "4", "--drain", "1", "--reconnect-burst", "30",
                    "--reconnect-burst-within", "0.2", "--reconnect-burst-at", "1"},
                   output);
  ASSERT_FALSE(r.is_null()) << "no report: " << output;
  SCOPED_TRACE(output);
  const json& rec = r.at("reconnects");
  EXPECT_EQ(r.at("connections").at("subscribed").get<int>(), 40);
  EXPECT_EQ(rec.at("started").get<int>(), 30);
  const int failed = rec.at("failed").get<int>();
  EXPECT_GE(failed, 15) << "at most ~15 tokens were left for the burst";
  EXPECT_EQ(rec.at("resubscribed").get<int>() + failed, 30);
  EXPECT_EQ(rec.at("failures").value("http 429", 0), failed) << rec.at("failures").dump();
  EXPECT_NE(output.find("http 429: " + std::to_string(failed)), std::string::npos)
      << "the table names the reason";

  dev->signal(SIGTERM);
  EXPECT_EQ(dev->wait(10s), 0) << dev->err();
}

}  // namespace
}  // namespace odin::test
