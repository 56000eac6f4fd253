// gateway/admission: the origin policy and the per-IP limits (token bucket with an injected
// clock, connection slots released by RAII, bounded memory); config's origin list parser.
#include <gtest/gtest.h>

#include <chrono>

#include "config/admission_settings.h"
#include "config/value_parsers.h"
#include "gateway/admission.h"

namespace odin::gateway {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;

TEST(OriginPolicy, ListedNoneAndSameHostAllowedForeignRefused) {
  const origin_policy p({"https://app.example.com", "http://localhost:8080"});
  EXPECT_TRUE(p.allows("https://app.example.com", "ws.example.com"));
  EXPECT_TRUE(p.allows("HTTPS://App.Example.com", "ws.example.com"));
  EXPECT_TRUE(p.allows(std::nullopt, "ws.example.com"));  // not a browser
  EXPECT_FALSE(p.allows("https://evil.example.com", "ws.example.com"));
  EXPECT_FALSE(p.allows("null", "ws.example.com"));
  EXPECT_FALSE(p.allows("http://app.example.com", "ws.example.com"));  // scheme differs
  // The gateway's own page: Origin names the host the request went to.
  EXPECT_TRUE(p.allows("http://127.0.0.1:3002", "127.0.0.1:3002"));
  EXPECT_TRUE(p.allows("https://ws.example.com", "ws.example.com:443"));
  EXPECT_FALSE(p.allows("http://127.0.0.1:3003", "127.0.0.1:3002"));
}

TEST(OriginPolicy, EmptyOrStarIsAny) {
  EXPECT_TRUE(origin_policy({}).allows("https://x.test", "y"));
  EXPECT_TRUE(origin_policy({"*"}).allows("https://x.test", "y"));
}

struct fake_clock {
  std::chrono::steady_clock::time_point t{std::chrono::seconds(1000)};
  per_ip_limits::clock_fn fn() {
    return [this] { return t; };
  }
};

TEST(PerIpLimits, TokenBucketRefusesPastTheBurstAndRefillsWithTime) {
  fake_clock clock;
  per_ip_limits limits({0, 2.0, 3.0}, clock.fn());  // 2/s, burst 3
  const auto ip = make_address("10.0.0.1");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limits.admit(ip).refused) << i;
  ip_verdict v = limits.admit(ip);
  ASSERT_TRUE(v.refused);
  EXPECT_EQ(*v.refused, refusal::per_ip_rate);
  EXPECT_EQ(v.retry_after_s, 1);  // 0 tokens, 2/s: one in 0.5 s → 1 s
  // Another address has its own bucket.
  EXPECT_FALSE(limits.admit(make_address("10.0.0.2")).refused);
  clock.t += 499ms;
  EXPECT_TRUE(limits.admit(ip).refused);
  clock.t += 2ms;  // 0.501 s in all: one token (a refused try takes none)
  EXPECT_FALSE(limits.admit(ip).refused);
  EXPECT_TRUE(limits.admit(ip).refused);
  clock.t += 10s;  // refills to the burst, not beyond
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limits.admit(ip).refused) << i;
  EXPECT_TRUE(limits.admit(ip).refused);
}

TEST(PerIpLimits, RetryAfterCountsWholeSecondsUntilAToken) {
  fake_clock clock;
  per_ip_limits limits({0, 0.25, 1.0}, clock.fn());  // one per 4 s
  const auto ip = make_address("::1");
  EXPECT_FALSE(limits.admit(ip).refused);
  EXPECT_EQ(limits.admit(ip).retry_after_s, 4);
  clock.t += 1500ms;
  EXPECT_EQ(limits.admit(ip).retry_after_s, 3);  // 2.5 s left → 3
}

TEST(PerIpLimits, ConnectionSlotsAreReleasedWhenTheSlotIsDestroyed) {
  per_ip_limits limits({2, 0, 0});
  const auto ip = make_address("192.0.2.7");
  ip_verdict a = limits.admit(ip);
  ip_verdict b = limits.admit(ip);
  ASSERT_FALSE(a.refused);
  ASSERT_FALSE(b.refused);
  EXPECT_TRUE(a.slot.held());
  EXPECT_EQ(limits.open(ip), 2u);
  ip_verdict c = limits.admit(ip);
  ASSERT_TRUE(c.refused);
  EXPECT_EQ(*c.refused, refusal::per_ip_connections);
  EXPECT_GT(c.retry_after_s, 0);
  {
    ip_slot moved = std::move(a.slot);  // moving does not release
    EXPECT_EQ(limits.open(ip), 2u);
  }
  EXPECT_EQ(limits.open(ip), 1u);
  EXPECT_FALSE(limits.admit(ip).refused);  // its slot is released at once (temporary)
  EXPECT_EQ(limits.open(ip), 1u);
  // IPv4 and its v4-mapped IPv6 form are one client.
  EXPECT_EQ(limits.open(make_address("::ffff:192.0.2.7")), 1u);
}

TEST(PerIpLimits, OffMeansNoStateAtAll) {
  per_ip_limits limits({0, 0, 0});
  EXPECT_FALSE(limits.enabled());
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limits.admit(make_address("10.1.1.1")).refused);
  EXPECT_EQ(limits.tracked(), 0u);
}

TEST(PerIpLimits, MemoryIsBoundedIdleAddressesAreForgotten) {
  fake_clock clock;
  per_ip_limits limits({1, 1.0, 1.0, 100}, clock.fn());
  std::vector<ip_slot> held;
  for (int i = 0; i < 10; ++i) {
    ip_verdict v = limits.admit(make_address("10.2.0." + std::to_string(i)));
    ASSERT_FALSE(v.refused);
    held.push_back(std::move(v.slot));
  }
  for (int i = 0; i < 1000; ++i) {
    const auto ip = boost::asio::ip::address_v4(0x0B000000u + static_cast<uint32_t>(i));
    (void)limits.admit(ip);  // slot released at once: idle
    EXPECT_LE(limits.tracked(), 100u);
  }
  for (int i = 0; i < 10; ++i) {  // those with open connections are never forgotten
    EXPECT_EQ(limits.open(make_address("10.2.0." + std::to_string(i))), 1u);
  }
}

TEST(AdmitUpgrade, OriginFirstThenPerIpWithTheirReplies) {
  fake_clock clock;
  const origin_policy origins({"https://app.example.com"});
  per_ip_limits limits({1, 0, 0}, clock.fn());
  const auto ip = make_address("10.3.0.1");
  admission a = admit_upgrade(origins, limits, "https://evil.test", "gw:3002", ip);
  ASSERT_TRUE(a.refused);
  EXPECT_EQ(*a.refused, refusal::origin);
  EXPECT_EQ(a.error, http::errc::forbidden_origin);
  EXPECT_EQ(limits.open(ip), 0u);  // refused before taking a slot
  admission ok = admit_upgrade(origins, limits, "https://app.example.com", "gw:3002", ip);
  ASSERT_FALSE(ok.refused);
  admission second = admit_upgrade(origins, limits, std::nullopt, "gw:3002", ip);
  ASSERT_TRUE(second.refused);
  EXPECT_EQ(second.error, http::errc::too_many_requests);
  EXPECT_GT(second.retry_after_s, 0);
}

TEST(OriginSetting, ParsesExactOriginsAndRefusesPaths) {
  EXPECT_EQ(config::parse_origin_list(" https://App.example.com ,http://localhost:8080,"),
            (std::vector<std::string>{"https://app.example.com", "http://localhost:8080"}));
  EXPECT_EQ(config::parse_origin_list("*"), std::vector<std::string>{"*"});
  EXPECT_THROW(config::parse_origin_list("https://app.example.com/"), config::invalid_value);
  EXPECT_THROW(config::parse_origin_list("app.example.com"), config::invalid_value);
  EXPECT_THROW(config::parse_origin_list(","), config::invalid_value);
}

}  // namespace
}  // namespace odin::gateway
