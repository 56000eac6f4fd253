// Admission guard parsing, the upgrade check and the record JSON check.
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>

#include "gateway/resource_guard.h"
#include "gateway/upgrade.h"

namespace odin::gateway {
namespace {

namespace http = boost::beast::http;

TEST(ResourceGuard, ParsesProcStatAndComputesCpuPercent) {
  const auto a = parse_proc_stat("cpu  100 0 100 700 100 0 0 0 50 0\ncpu0 1 2 3 4\n");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->busy, 200u);
  EXPECT_EQ(a->total, 1000u);
  const auto b = parse_proc_stat("cpu  400 0 100 800 100 0 0 0 0 0\n");
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(cpu_percent(*a, *b), 75.0);  // 300 busy of 400
  EXPECT_DOUBLE_EQ(cpu_percent(*b, *b), 0.0);
  EXPECT_FALSE(parse_proc_stat("intr 1 2 3\n"));
  EXPECT_FALSE(parse_proc_stat("cpu  1 x 3 4\n"));
}

TEST(ResourceGuard, ParsesOwnCpuTimeFromProcPidStat) {
  // utime = 250, stime = 50; the comm holds spaces and a ')'.
  EXPECT_EQ(parse_proc_pid_stat_cpu(
                "1234 (odin (dev) x) S 1 1234 1234 0 -1 4194304 500 0 0 0 250 50 0 0 20 0 9 0"),
            300u);
  EXPECT_FALSE(parse_proc_pid_stat_cpu("1234 odin S 1"));
  EXPECT_FALSE(parse_proc_pid_stat_cpu("1234 (odin) S 1 2 3"));
}

TEST(ResourceGuard, ParsesStatm) {
  EXPECT_EQ(parse_statm_resident_pages("2000 512 100 10 0 300 0\n"), 512u);
  EXPECT_FALSE(parse_statm_resident_pages("2000\n"));
}

TEST(ResourceGuard, Verdicts) {
  resource_guard g(50.0, 1000);
  g.update(cpu_times{0, 0}, 10);
  EXPECT_EQ(g.check(), resource_guard::verdict::ok);  // no CPU figure before two samples
  g.update(cpu_times{60, 100}, 10);
  EXPECT_EQ(g.check(), resource_guard::verdict::cpu);
  g.update(cpu_times{70, 200}, 10);
  EXPECT_EQ(g.check(), resource_guard::verdict::ok);
  g.update(std::nullopt, 2000);
  EXPECT_EQ(g.check(), resource_guard::verdict::memory);
  resource_guard real(1000.0, ~0ull);
  real.sample();
  EXPECT_GT(real.rss_bytes(), 0u);
  EXPECT_EQ(real.check(), resource_guard::verdict::ok);
}

http_request upgrade_request() {
  http_request req{http::verb::get, "/ws", 11};
  req.set(http::field::host, "x");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::sec_websocket_version, "13");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  return req;
}

TEST(Upgrade, AcceptsAValidRequestAndRendersTheRfcAcceptKey) {
  const upgrade_check ok = check_upgrade(upgrade_request());
  ASSERT_TRUE(ok.ok) << ok.why;
  EXPECT_EQ(render_switching_protocols(ok.key),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");  // RFC 6455 §1.3
}

TEST(Upgrade, RefusesBadRequests) {
  auto no_upgrade = upgrade_request();
  no_upgrade.erase(http::field::upgrade);
  EXPECT_FALSE(check_upgrade(no_upgrade).ok);
  auto post = upgrade_request();
  post.method(http::verb::post);
  EXPECT_FALSE(check_upgrade(post).ok);
  auto version = upgrade_request();
  version.set(http::field::sec_websocket_version, "8");
  EXPECT_FALSE(check_upgrade(version).ok);
  auto key = upgrade_request();
  key.set(http::field::sec_websocket_key, "short");
  EXPECT_FALSE(check_upgrade(key).ok);
  auto no_key = upgrade_request();
  no_key.erase(http::field::sec_websocket_key);
  EXPECT_FALSE(check_upgrade(no_key).ok);
}

}  // namespace
}  // namespace odin::gateway
