// Over the wire, a real gateway on loopback: foreign Origin → 403 (JSON), a listed origin, the
// page's own host and no Origin → 101; per-IP connection limit → 429 + Retry-After on the
// N+1th (and a slot comes back when a client leaves); a burst past the per-IP rate → 429;
// every refusal counted by reason; HTTP answers counted by path and status.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/gateway_fixture.h"
#include "support/http_client.h"

namespace odin::gateway::test {
namespace {

using namespace std::chrono_literals;
using ::odin::test::http_reply;
using ::odin::test::raw_client;

std::string upgrade_request(std::string_view origin, std::string_view host = "127.0.0.1") {
  std::string r = "GET /ws HTTP/1.1\r\nHost: " + std::string(host) +
                  "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  if (!origin.empty()) r += "Origin: " + std::string(origin) + "\r\n";
  return r + "\r\n";
}

// Sends an upgrade on `c`; the answer (status 0 when none).
http_reply upgrade(raw_client& c, std::string_view origin, std::string_view host = "127.0.0.1") {
  if (!c.send(upgrade_request(origin, host))) return {};
  return c.read_answer(3s).value_or(http_reply{});
}

class AdmissionWire : public gateway_fixture {};

TEST_F(AdmissionWire, ForeignOriginIs403ListedSameHostAndNoneAre101) {
  options o = test_options();
  o.allowed_origins = {"https://app.example.com"};
  start(o);
  {
    raw_client c(port());
    const http_reply a = upgrade(c, "https://evil.example.com");
    EXPECT_EQ(a.status, 403) << a.body;
    const auto body = nlohmann::json::parse(a.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << a.body;
    EXPECT_EQ(body.value("error", ""), "forbidden_origin");
    EXPECT_NE(body.value("message", "").find("evil.example.com"), std::string::npos);
    EXPECT_TRUE(c.wait_closed(3s));
  }
  for (std::string_view origin : {"https://app.example.com", ""}) {
    raw_client c(port());
    EXPECT_EQ(upgrade(c, origin).status, 101) << origin;
  }
  {  // the gateway's own page: Origin = the Host the browser connected to
    const std::string self = "127.0.0.1:" + std::to_string(port());
    raw_client c(port());
    EXPECT_EQ(upgrade(c, "http://" + self, self).status, 101);
  }
  EXPECT_TRUE(wait_metric(R"(ws_connections_rejected_total{reason="origin"})", 1));
  EXPECT_TRUE(wait_metric(R"(ws_http_requests_total{path="/ws",status="403"})", 1));
  EXPECT_TRUE(wait_metric(R"(ws_http_requests_total{path="/ws",status="101"})", 3));
}

TEST_F(AdmissionWire, PerIpConnectionLimitIs429WithRetryAfterAndSlotsComeBack) {
  options o = test_options();
  o.max_connections_per_ip = 3;
  start(o);
  std::vector<std::unique_ptr<raw_client>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<raw_client>(port()));
    ASSERT_EQ(upgrade(*open.back(), "").status, 101) << i;
  }
  {
    raw_client extra(port());
    const http_reply a = upgrade(extra, "");
    EXPECT_EQ(a.status, 429) << a.body;
    EXPECT_FALSE(a.headers.count("retry-after") == 0 || a.headers.at("retry-after").empty());
    EXPECT_NE(a.body.find(R"("error":"too_many_requests")"), std::string::npos) << a.body;
  }
  EXPECT_TRUE(wait_metric(R"(ws_connections_rejected_total{reason="per_ip_connections"})", 1));
  open.pop_back();  // one leaves: its slot is released with its session
  bool admitted = wait_for(
      [&] {
        auto c = std::make_unique<raw_client>(port());
        if (upgrade(*c, "").status != 101) return false;
        open.push_back(std::move(c));
        return true;
      },
      5s);
  EXPECT_TRUE(admitted);
  raw_client again(port());
  EXPECT_EQ(upgrade(again, "").status, 429);  // at the limit again
}

TEST_F(AdmissionWire, ABurstPastThePerIpRateGets429) {
  options o = test_options();
  o.upgrade_rate_per_ip = 0.2;  // one token per 5 s: the test outruns it by far
  o.upgrade_burst_per_ip = 4;
  start(o);
  int ok = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 8; ++i) {
    raw_client c(port());
    const http_reply a = upgrade(c, "");
    if (a.status == 101) ++ok;
    if (a.status == 429) {
      ++limited;
      if (a.headers.count("retry-after")) retry_after = a.headers.at("retry-after");
    }
  }
  EXPECT_GE(ok, 4);
  EXPECT_LE(ok, 5);  // at most one token refilled while the test ran (< 5 s)
  EXPECT_EQ(ok + limited, 8);
  EXPECT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
  EXPECT_TRUE(wait_metric(R"(ws_connections_rejected_total{reason="per_ip_rate"})", limited));
}

TEST_F(AdmissionWire, HttpReplysAreCountedByPathAndStatus) {
  start();
  EXPECT_EQ(http_get(port(), "/health").status, 200);
  EXPECT_EQ(http_get(port(), "/nope").status, 404);
  EXPECT_EQ(http_get(port(), "/also-not-here").status, 404);
  EXPECT_EQ(http_get(port(), "/ws").status, 400);
  EXPECT_TRUE(wait_metric(R"(ws_http_requests_total{path="/health",status="200"})", 1));
  EXPECT_TRUE(wait_metric(R"(ws_http_requests_total{path="other",status="404"})", 2));
  EXPECT_TRUE(wait_metric(R"(ws_http_requests_total{path="/ws",status="400"})", 1));
  EXPECT_TRUE(wait_metric(R"(ws_connections_rejected_total{reason="bad_request"})", 1));
}

}  // namespace
}  // namespace odin::gateway::test
