// Slow clients against the real `odin dev` process: clients that stop reading are closed with
// 4008 once their outbound queue passes WS_MAX_QUEUE_BYTES, readers keep receiving, and the
// server's RSS stays bounded (without the bound, each stuck client would hold every event).
// The stuck clients read again after 6 s: what the kernel buffered, then the 4008 close frame
// (WS_CLOSE_TIMEOUT is long here so the close frame waits for them).
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "e2e/fanout_scenario.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;

// VmRSS of a process in bytes (0 when unreadable).
uint64_t rss_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

TEST(SlowClient, IsClosedWith4008WhileReadersKeepReceivingAndRssStaysBounded) {
  child_process server(ODIN_BINARY, {"dev", "--env-file", "/dev/null"},
                       {{"PATH", "/usr/bin:/bin"},
                        {"LOG_FORMAT", "text"},
                        {"WS_ADDR", "127.0.0.1:0"},  // any free port: read from the banner
                        {"PORT", "0"},
                        {"WS_MAX_QUEUE_BYTES", "262144"},
                        {"WS_PUBLIC_BALANCES", "true"},  // readers take ALL, anonymously
                        {"WS_CLOSE_TIMEOUT", "60s"},
                        {"BUS_RETENTION_RECORDS", "200"},
                        {"SIM_RATE", "5000"}});
  const auto printed = printed_port(server, "WebSocket  ws://127.0.0.1:", 20s);
  ASSERT_TRUE(printed) << "no port in the banner: " << server.out() << server.err();
  const uint16_t port = *printed;
  ASSERT_TRUE(wait_healthy(port, 20s)) << server.err();
  const std::string all =
      R"({"type":"subscribe","bundle":"ALL","tokens":["BTC","ETH","SOL","ODIN","DOGE"]})";
  ws_client reader("127.0.0.1", port);
  ASSERT_TRUE(reader.request(all, 5s));
  const uint64_t baseline = rss_bytes(server.pid());
  ASSERT_GT(baseline, 0u);

  // Twelve clients subscribe to everything and never read.
  std::vector<std::unique_ptr<ws_client>> stuck;
  for (int i = 0; i < 12; ++i) {
    stuck.push_back(std::make_unique<ws_client>("127.0.0.1", port));
    stuck.back()->send_text(all);
  }
  // The reader keeps receiving meanwhile (5,000 events/s, ~1 MB/s per client, for 6 s).
  uint64_t peak = baseline;
  std::size_t received = 0;
  const auto until = std::chrono::steady_clock::now() + 6s;
  while (std::chrono::steady_clock::now() < until) {
    if (reader.read_text(100ms)) ++received;
    if (received % 200 == 0) peak = std::max(peak, rss_bytes(server.pid()));
  }
  EXPECT_FALSE(reader.closed()) << "the reader must not be disconnected";
  EXPECT_GT(received, 10000u) << "the reader kept receiving while others were stuck";
  // Each stuck client would hold ~6 MB after 6 s without the bound; 12 of them ~72 MB.
  EXPECT_LT(peak - baseline, 32ull << 20) << "server RSS grew from " << baseline << " to " << peak;
  for (auto& c : stuck) {
    EXPECT_TRUE(c->wait_closed(15s));
    EXPECT_EQ(c->close_code(), 4008);
  }
  const auto metrics = http_get(port, "/metrics").body;
  EXPECT_NE(metrics.find("ws_slow_client_disconnects_total 12"), std::string::npos)
      << metrics.substr(0, 2000);
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait(10s), 0);
}

}  // namespace
}  // namespace odin::test
