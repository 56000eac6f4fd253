// The `odin` binary as a user runs it: start-up errors, `odin dev` end to end, SIGTERM.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "e2e/fanout_scenario.h"
#include "support/process.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;

// PORT=0: the publisher HTTP API inside `odin dev` takes any free port, so parallel tests
// never collide on 3003.
const std::map<std::string, std::string> base_env = {
    {"PATH", "/usr/bin:/bin"}, {"LOG_FORMAT", "text"}, {"PORT", "0"}};

std::map<std::string, std::string> with(std::map<std::string, std::string> env,
                                        const std::map<std::string, std::string>& more) {
  for (const auto& [k, v] : more) env[k] = v;
  return env;
}

TEST(Cli, HelpListsTheSubcommands) {
  child_process p(ODIN_BINARY, {"--help"}, base_env);
  ASSERT_EQ(p.wait(10s), 0);
  EXPECT_NE(p.out().find("dev"), std::string::npos);
  EXPECT_NE(p.out().find("gateway"), std::string::npos);
}

TEST(Cli, GatewayWithoutBrokersRefusesAndPointsToDev) {
  child_process p(ODIN_BINARY, {"gateway", "--env-file", "/dev/null"}, base_env);
  ASSERT_EQ(p.wait(10s), 2);
  EXPECT_NE(p.err().find("KAFKA_BROKERS"), std::string::npos) << p.err();
  EXPECT_NE(p.err().find("odin dev"), std::string::npos) << p.err();
}

TEST(Cli, BadValueNamesItsVariable) {
  child_process p(ODIN_BINARY, {"dev", "--env-file", "/dev/null"},
                  with(base_env, {{"WS_MAX_CONNECTIONS", "lots"}}));
  ASSERT_EQ(p.wait(10s), 2);
  EXPECT_NE(p.err().find("WS_MAX_CONNECTIONS"), std::string::npos) << p.err();
}

TEST(Cli, PublisherRefusesAPublicAddressWithoutAnApiKey) {
  child_process p(
      ODIN_BINARY, {"publisher", "--env-file", "/dev/null"},
      with(base_env, {{"PUBLISHER_HOST", "0.0.0.0"}, {"KAFKA_BROKERS", "127.0.0.1:1"}}));
  ASSERT_EQ(p.wait(10s), 2) << p.err();
  EXPECT_NE(p.err().find("PUBLISHER_HOST=0.0.0.0"), std::string::npos) << p.err();
  EXPECT_NE(p.err().find("PUBLISHER_API_KEYS"), std::string::npos) << p.err();
  EXPECT_NE(p.err().find("PUBLISHER_ALLOW_ANONYMOUS=true"), std::string::npos) << p.err();
}

TEST(Cli, PublisherRefusesABadKeyWithoutQuotingIt) {
  child_process p(
      ODIN_BINARY, {"publisher", "--env-file", "/dev/null"},
      with(base_env, {{"PUBLISHER_API_KEYS", "short-secret"}, {"KAFKA_BROKERS", "127.0.0.1:1"}}));
  ASSERT_EQ(p.wait(10s), 2) << p.err();
  EXPECT_NE(p.err().find("PUBLISHER_API_KEYS"), std::string::npos) << p.err();
  EXPECT_EQ(p.err().find("short-secret"), std::string::npos) << p.err();
}

TEST(Cli, DevServesSubscribedEventsAndStopsCleanlyOnSigterm) {
  // Port 0: the gateway binds any free port and the banner says which.
  child_process p(ODIN_BINARY, {"dev", "--env-file", "/dev/null"},
                  with(base_env, {{"WS_ADDR", "127.0.0.1:0"}, {"SIM_RATE", "400"}}));
  const auto printed = printed_port(p, "WebSocket  ws://127.0.0.1:", 20s);
  ASSERT_TRUE(printed) << "the banner says where to connect: " << p.out() << p.err();
  const uint16_t port = *printed;
  EXPECT_NE(p.out().find("ws://127.0.0.1:" + std::to_string(port) + "/ws"), std::string::npos)
      << p.out();
  ASSERT_TRUE(wait_healthy(port, 20s)) << p.err();
  // No API key: the publisher listens on loopback only and says how to change that.
  EXPECT_NE((p.out() + p.err()).find("listens on 127.0.0.1 only"), std::string::npos) << p.err();

  ws_client client("127.0.0.1", port);
  ASSERT_TRUE(
      client.request(R"({"type":"subscribe","bundle":"TRADING","tokens":["BTC","ETH"]})", 5s));
  const std::set<std::string> allowed = {"BTC.trade", "BTC.liquidity", "BTC.analytics",
                                         "ETH.trade", "ETH.liquidity", "ETH.analytics"};
  int events = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (events < 20 && std::chrono::steady_clock::now() < deadline) {
    auto msg = client.read_text(200ms);
    if (!msg) continue;
    received_event ev;
    ASSERT_TRUE(parse_event_frame(*msg, ev)) << *msg;
    EXPECT_TRUE(allowed.count(ev.channel)) << ev.channel;
    const auto data = nlohmann::json::parse(ev.data);
    EXPECT_EQ(data["tokenId"].get<std::string>(), ev.channel.substr(0, ev.channel.find('.')));
    ++events;
  }
  EXPECT_EQ(events, 20) << "simulated BTC/ETH trading events within 10 s";

  p.signal(SIGTERM);
  EXPECT_TRUE(client.wait_closed(5s));
  EXPECT_EQ(client.close_code(), 1001);
  EXPECT_EQ(p.wait(8s), 0) << p.err();
}

}  // namespace
}  // namespace odin::test
