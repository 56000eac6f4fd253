// The reconnect scenario end to end: the `odin dev` binary and `odin loadtest` (the binary, so
// its flags and --report JSON are what is checked) with clients dropping and reconnecting with
// "since" while the simulator publishes. Nothing may be lost across the reconnects.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.h"
#include "support/process.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

bool healthy(uint16_t port) {
  return http_get(port, "/health").status == 200;  // 0 while nothing listens
}

TEST(LoadtestReconnect, PeriodicAndBurstReconnectsLoseNothing) {
  child_process dev(ODIN_BINARY, {"dev", "--env-file", "/dev/null"},
                    {{"PATH", "/usr/bin:/bin"},
                     {"LOG_FORMAT", "text"},
                     {"LOG_LEVEL", "warn"},
                     {"WS_ADDR", "127.0.0.1:0"},
                     {"PORT", "0"},
                     {"WS_CPU_REJECT_THRESHOLD", "100"},
                     {"SIM_RATE", "200"},
                     {"SIM_TOKENS", "AAA,BBB,CCC,DDD"},
                     {"SIM_SEED", "11"}});
  // Port 0: the banner says which port the gateway got.
  const auto printed = printed_port(dev, "WebSocket  ws://127.0.0.1:", 20s);
  ASSERT_TRUE(printed) << dev.out() << dev.err();
  const uint16_t port = *printed;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!healthy(port) && std::chrono::steady_clock::now() < deadline) {
    ASSERT_FALSE(dev.wait(100ms).has_value()) << dev.err();
  }
  ASSERT_TRUE(healthy(port)) << dev.err();

  const std::string report_path = (std::filesystem::temp_directory_path() /
                                   ("odin-reconnect-" + std::to_string(::getpid()) + ".json"))
                                      .string();
  child_process lt(ODIN_BINARY,
                   {"loadtest",
                    "--server",
                    "ws://127.0.0.1:" + std::to_string(port),
                    "--target",
                    "120",
                    "--duration",
                    "6",
                    "--drain",
                    "2",
                    "--tokens",
                    "AAA,BBB,CCC,DDD",
                    "--bundle",
                    "TRADING",
                    "--reconnect-percent",
                    "20",
                    "--reconnect-every",
                    "1",
                    "--reconnect-burst",
                    "40",
                    "--reconnect-burst-within",
                    "0.5",
                    "--reconnect-burst-at",
                    "3.2",
                    "--quiet",
                    "--report",
                    report_path},
                   {{"PATH", "/usr/bin:/bin"}});
  const auto code = lt.wait(60s);
  ASSERT_TRUE(code.has_value()) << "loadtest did not finish";
  EXPECT_EQ(*code, 0) << lt.out() << lt.err();
  std::ifstream in(report_path);
  ASSERT_TRUE(in) << "no report: " << lt.out() << lt.err();
  const json r = json::parse(in);
  std::filesystem::remove(report_path);
  const json& rec = r.at("reconnects");
  const json& ev = r.at("events");
  SCOPED_TRACE(lt.out());
  // 5 rounds of 20 % of 120 = 24, plus the burst's 40 (minus any still reconnecting when due).
  EXPECT_GE(rec.at("started").get<int>(), 100);
  EXPECT_EQ(rec.at("resubscribed"), rec.at("started")) << "every reconnect got its subscribed";
  EXPECT_EQ(rec.at("failed").get<int>(), 0);
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

  dev.signal(SIGTERM);
  EXPECT_EQ(dev.wait(10s), 0) << dev.err();
}

}  // namespace
}  // namespace odin::test
