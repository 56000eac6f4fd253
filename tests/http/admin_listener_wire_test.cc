// ADMIN_ADDR over the wire (WS_ADMIN_ADDR, PUBLISHER_ADMIN_ADDR): /metrics (and the gateway's
// /ready) only on the admin listener, 404 on the public port; /health on both; the API and
// the WebSocket only on the public port.
#include <gtest/gtest.h>

#include "gateway/gateway_fixture.h"
#include "publisher/publisher_fixture.h"
#include "support/http_client.h"

namespace odin::gateway::test {
namespace {

class GatewayAdmin : public gateway_fixture {};

TEST_F(GatewayAdmin, MetricsAndReadyMoveToTheAdminListener) {
  options o = test_options();
  o.admin_host = "127.0.0.1";
  o.admin_port = 0;
  start(o);
  const uint16_t admin = gw_->admin_port();
  ASSERT_NE(admin, 0);
  ASSERT_NE(admin, port());
  const http_reply metrics = http_get(admin, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("ws_active_connections"), std::string::npos);
  EXPECT_EQ(http_get(port(), "/metrics").status, 404);
  EXPECT_EQ(http_get(port(), "/ready").status, 404);
  EXPECT_NE(http_get(admin, "/ready").status, 404);  // 200 or 503 by the bus, but served
  EXPECT_EQ(http_get(port(), "/health").status, 200);
  EXPECT_EQ(http_get(admin, "/health").status, 200);
  EXPECT_EQ(http_get(port(), "/").status, 200);  // the page stays public
  EXPECT_EQ(http_get(admin, "/").status, 404);   // no page, no WebSocket on the admin port
  ws_client on_admin(admin);
  EXPECT_EQ(on_admin.connect("/ws"), 404);
  ws_client on_public(port());
  EXPECT_EQ(on_public.connect("/ws"), 101);
  // The public port's 404 for /metrics is counted like any answer (read on the admin port).
  const std::string page = http_get(admin, "/metrics").body;
  EXPECT_GE(
      metric_value(page, R"(ws_http_requests_total{path="/metrics",status="404"})").value_or(0), 1);
}

TEST_F(GatewayAdmin, WithoutAnAdminAddressEverythingIsOnOnePort) {
  start();
  EXPECT_EQ(gw_->admin_port(), 0);
  EXPECT_EQ(http_get(port(), "/metrics").status, 200);
}

}  // namespace
}  // namespace odin::gateway::test

namespace odin::publisher::testing {

using namespace ::odin::test;  // support/http_client.h
namespace {

TEST(PublisherAdmin, MetricsOnlyOnTheAdminListenerApiOnlyOnThePublicPort) {
  options o = local_options();
  o.admin_host = "127.0.0.1";
  memory_stack stack(o);
  const uint16_t admin = stack.srv.admin_port();
  ASSERT_NE(admin, 0);
  EXPECT_EQ(http_get(stack.port(), "/health").status, 200);
  const http_reply metrics = http_get(admin, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(R"(publisher_http_requests_total{path="/health",status="200"})"),
            std::string::npos)
      << metrics.body;
  const http_reply hidden = http_get(stack.port(), "/metrics");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_NE(hidden.body.find("ADMIN_ADDR"), std::string::npos) << hidden.body;
  EXPECT_EQ(http_get(stack.port(), "/health").status, 200);
  EXPECT_EQ(http_get(stack.port(), "/stats").status, 200);
  EXPECT_EQ(http_get(admin, "/health").status, 200);
  EXPECT_EQ(http_get(admin, "/stats").status, 404);
  EXPECT_EQ(post_json(admin, "/events", "{}").status, 404);  // no publishing on the admin port
  EXPECT_EQ(post_json(stack.port(), "/events", "[]").status, 400);  // the API is public
  EXPECT_NE(http_get(admin, "/metrics")
                .body.find(R"(publisher_http_requests_total{path="other",status="404"})"),
            std::string::npos);
}

TEST(PublisherAdmin, WithoutAnAdminAddressMetricsAreOnThePublicPort) {
  memory_stack stack;
  EXPECT_EQ(stack.srv.admin_port(), 0);
  EXPECT_EQ(http_get(stack.port(), "/metrics").status, 200);
}

}  // namespace
}  // namespace odin::publisher::testing
