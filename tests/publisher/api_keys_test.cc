// Publisher API keys over the wire (issue 9): with PUBLISHER_API_KEYS configured, POST /events
// and POST /control need `Authorization: Bearer <key>` (401 + WWW-Authenticate otherwise);
// GET /stats, /health and /metrics stay open.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "publisher_fixture.h"
#include "support/http_client.h"

namespace odin::publisher::testing {

using namespace ::odin::test;  // support/http_client.h
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string good_key = "k-0123456789abcdef-good";
const std::string other_key = "k-fedcba9876543210-other";

options keyed_options() {
  options o = local_options();
  o.api_keys = auth::api_key_set::load(good_key + "," + other_key);
  return o;
}

// One request with the given Authorization header value ("" = no header).
http_reply call(uint16_t port, std::string_view method, std::string_view target,
                std::string_view body, std::string_view authorization) {
  http_headers headers;
  if (!authorization.empty()) headers.emplace_back("Authorization", std::string(authorization));
  return http_call(port, method, target, body, "application/json", headers);
}

std::string one_event(const std::string& suffix) {
  return samples_of_every_type(suffix)[0].event.dump();
}

TEST(PublisherApiKeys, EventsWithoutKeyAre401WithChallengeAndPublishNothing) {
  memory_stack stack(keyed_options());
  const http_reply a = call(stack.port(), "POST", "/events", one_event("n"), "");
  ASSERT_EQ(a.status, 401) << a.body;
  EXPECT_THAT(a.headers.at("www-authenticate"), StartsWith("Bearer"));
  const json body = json::parse(a.body);
  EXPECT_EQ(body["error"], "unauthorized");
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("Authorization: Bearer"));
  EXPECT_TRUE(consume(*stack.consumer, 1, 200ms).empty());
  EXPECT_EQ(stack.srv.stats().messages_published(), 0u);
}

TEST(PublisherApiKeys, WrongKeyOrSchemeIs401InvalidToken) {
  memory_stack stack(keyed_options());
  for (const std::string& auth :
       std::vector<std::string>{"Bearer k-0123456789abcdef-goo", "Bearer " + good_key + "x",
                                "Basic " + good_key, "Bearer"}) {
    SCOPED_TRACE(auth);
    const http_reply a = call(stack.port(), "POST", "/events", one_event("w"), auth);
    ASSERT_EQ(a.status, 401) << a.body;
    EXPECT_THAT(a.headers.at("www-authenticate"), HasSubstr(R"(error="invalid_token")"));
    EXPECT_EQ(json::parse(a.body)["error"], "unauthorized");
  }
  EXPECT_TRUE(consume(*stack.consumer, 1, 200ms).empty());
}

TEST(PublisherApiKeys, EveryConfiguredKeyPublishes202) {
  memory_stack stack(keyed_options());
  const auto samples = samples_of_every_type("g");
  ASSERT_EQ(
      call(stack.port(), "POST", "/events", samples[0].event.dump(), "Bearer " + good_key).status,
      202);
  const http_reply a =
      call(stack.port(), "POST", "/events", samples[1].event.dump(), "bearer  " + other_key);
  ASSERT_EQ(a.status, 202) << a.body;
  EXPECT_EQ(a.headers.count("www-authenticate"), 0u);
  const auto records = consume(*stack.consumer, 2, 2s);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].key, samples[0].token);
}

TEST(PublisherApiKeys, ControlNeedsTheKeyToo) {
  memory_stack stack(keyed_options());
  const std::string start = R"({"action":"start","messagesPerSecond":50})";
  const http_reply refused = call(stack.port(), "POST", "/control", start, "");
  ASSERT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(json::parse(refused.body)["success"], false);
  EXPECT_EQ(json::parse(refused.body)["error"], "unauthorized");
  EXPECT_FALSE(stack.simulator.snapshot().running);
  const http_reply ok = call(stack.port(), "POST", "/control", start, "Bearer " + good_key);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(stack.simulator.snapshot().running);
  ASSERT_EQ(
      call(stack.port(), "POST", "/control", R"({"action":"stop"})", "Bearer " + good_key).status,
      200);
}

TEST(PublisherApiKeys, StatsHealthMetricsStayOpenAndCount401s) {
  memory_stack stack(keyed_options());
  ASSERT_EQ(call(stack.port(), "POST", "/events", one_event("c"), "").status, 401);
  ASSERT_EQ(
      call(stack.port(), "POST", "/events", one_event("c"), "Bearer nope-nope-nope-nope").status,
      401);
  EXPECT_EQ(http_get(stack.port(), "/stats").status, 200);
  EXPECT_EQ(http_get(stack.port(), "/health").status, 200);
  const http_reply m = http_get(stack.port(), "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_THAT(m.body, HasSubstr(R"(publisher_http_requests_total{path="/events",status="401"} 2)"));
}

TEST(PublisherApiKeys, KeepAliveConnectionContinuesAfter401WithoutBody) {
  memory_stack stack(keyed_options());
  raw_client c(stack.port());
  ASSERT_TRUE(c.send(request_text("POST", "/events", "")));  // no body pending: kept open
  const auto first = c.read_answer(5s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 401);
  ASSERT_TRUE(c.send(request_text("GET", "/health", "", "")));
  const auto second = c.read_answer(5s);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
}

TEST(PublisherApiKeys, WithoutKeysPostsNeedNoAuthorization) {
  memory_stack stack;  // no key configured: loopback-only is config's job
  EXPECT_EQ(call(stack.port(), "POST", "/events", one_event("o"), "").status, 202);
  EXPECT_EQ(
      call(stack.port(), "POST", "/events", one_event("p"), "Bearer whatever-at-all-x").status,
      202);
}

}  // namespace
}  // namespace odin::publisher::testing
