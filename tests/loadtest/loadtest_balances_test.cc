// The balances scenario end to end (issue 9): `odin dev` with a JWT secret and SIM_USERS, and
// `odin loadtest` (the binary: its flags, exit status and --report JSON) whose clients hold
// minted tokens with the simulator's user ids and subscribe to balances channels. Each must
// receive its own balances and never another user's.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/process.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string secret = "a-balances-e2e-secret-of-at-least-32-bytes";

TEST(LoadtestBalances, EveryClientGetsOnlyItsOwnBalances) {
  child_process dev(ODIN_BINARY, {"dev", "--env-file", "/dev/null"},
                    {{"PATH", "/usr/bin:/bin"},
                     {"LOG_FORMAT", "text"},
                     {"LOG_LEVEL", "warn"},
                     {"WS_ADDR", "127.0.0.1:0"},
                     {"PORT", "0"},
                     {"WS_CPU_REJECT_THRESHOLD", "100"},
                     {"WS_JWT_SECRET", secret},
                     {"SIM_RATE", "300"},  // 10 % balances: ~30 balances events/s
                     {"SIM_TOKENS", "AAA,BBB,CCC"},
                     {"SIM_USERS", "20"},
                     {"SIM_SEED", "5"}});
  const auto port = printed_port(dev, "WebSocket  ws://127.0.0.1:", 20s);
  ASSERT_TRUE(port) << "no port in the banner: " << dev.out() << dev.err();

  const std::string report_path = (std::filesystem::temp_directory_path() /
                                   ("odin-balances-" + std::to_string(::getpid()) + ".json"))
                                      .string();
  // 40 clients over 20 users: two connections per user, each on the balances of all 3 tokens.
  child_process lt(ODIN_BINARY,
                   {"loadtest",
                    "--server",
                    "ws://127.0.0.1:" + std::to_string(*port),
                    "--target",
                    "40",
                    "--duration",
                    "3",
                    "--tokens",
                    "AAA,BBB,CCC",
                    "--subscription-mode",
                    "channels",
                    "--channels",
                    "balances",
                    "--jwt-secret",
                    secret,
                    "--users",
                    "20",
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
  SCOPED_TRACE(lt.out());
  EXPECT_EQ(r.at("connections").at("subscribed").get<int>(), 40);
  const json& ev = r.at("events");
  const json& b = ev.at("balances");
  EXPECT_EQ(b.at("foreign_balance_events").get<int>(), 0);
  EXPECT_EQ(b.at("unchecked_events").get<int>(), 0);
  EXPECT_GT(b.at("own_events_in_window").get<int>(), 0);
  // Balances events are all a client subscribed to, and every one it got was its own.
  EXPECT_EQ(b.at("own_events"), ev.at("received_all"));
  EXPECT_EQ(ev.at("loss").get<int>(), 0);
  EXPECT_EQ(ev.at("duplicates").get<int>(), 0);

  dev.signal(SIGTERM);
  EXPECT_EQ(dev.wait(10s), 0) << dev.err();
}

}  // namespace
}  // namespace odin::test
