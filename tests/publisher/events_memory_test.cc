// POST /events through the embedded bus: every type lands on its topic with its token as key
// and the documented value; the answer names where; a bad event publishes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "publisher_fixture.h"
#include "support/http_client.h"

namespace odin::publisher::testing {

using namespace ::odin::test;  // support/http_client.h
namespace {

using ::testing::HasSubstr;

TEST(EventsMemory, EveryTypeInOneBatchLandsOnItsTopicKeyedByToken) {
  memory_stack stack;
  const auto samples = samples_of_every_type("b");
  const http_reply a = post_json(stack.port(), "/events", batch_body(samples));
  ASSERT_EQ(a.status, 202) << a.body;
  const json body = json::parse(a.body);
  EXPECT_EQ(body["accepted"], 23);
  ASSERT_EQ(body["results"].size(), 23u);

  const auto records = consume(*stack.consumer, samples.size(), 5s);
  expect_delivered(samples, records);
  // The answer says where each event went, in request order.
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const json& r = body["results"][i];
    EXPECT_EQ(r["topic"], stack.topics.topic_of(samples[i].type));
    const auto it = std::find_if(records.begin(), records.end(),
                                 [&](const consumed& c) { return c.key == samples[i].token; });
    ASSERT_NE(it, records.end());
    EXPECT_EQ(r["partition"], it->partition);
    EXPECT_EQ(r["offset"], it->offset);
  }
  EXPECT_EQ(stack.srv.stats().messages_published(), 23u);
}

TEST(EventsMemory, EveryTypeAsASingleEvent) {
  memory_stack stack;
  const auto samples = samples_of_every_type("s");
  for (const sample& s : samples) {
    const http_reply a = post_json(stack.port(), "/events", s.event.dump());
    ASSERT_EQ(a.status, 202) << a.body;
    EXPECT_EQ(json::parse(a.body)["results"][0]["topic"], stack.topics.topic_of(s.type));
  }
  expect_delivered(samples, consume(*stack.consumer, samples.size(), 5s));
  const json stats = json::parse(http_get(stack.port(), "/stats").body);
  EXPECT_EQ(stats["messagesPublished"], 23);
  EXPECT_EQ(stats["messagesFailed"], 0);
  EXPECT_EQ(stats["byTopic"]["odin.trades"], 3);
  EXPECT_EQ(stats["byTopic"]["odin.analytics"], 4);
  EXPECT_EQ(stats["byTopic"]["odin.balances"], 2);
}

TEST(EventsMemory, OneBadEventPublishesNothingAndIsNamed) {
  memory_stack stack;
  auto samples = samples_of_every_type("x");
  samples[4].event["data"]["btcAmount"] = "lots";  // LIQUIDITY_REMOVED, nested form
  samples[9].event.erase("tokenId");               // TWITTER_VERIFIED, flat form
  const http_reply a = post_json(stack.port(), "/events", batch_body(samples));
  ASSERT_EQ(a.status, 400) << a.body;
  const json body = json::parse(a.body);
  EXPECT_EQ(body["error"], "invalid_events");
  EXPECT_EQ(body["message"], "2 of 23 events are invalid; nothing was published");
  ASSERT_EQ(body["events"].size(), 2u);
  EXPECT_EQ(body["events"][0]["index"], 4);
  EXPECT_EQ(body["events"][0]["errors"][0]["pointer"], "/data/btcAmount");
  EXPECT_EQ(body["events"][0]["errors"][0]["message"], "must be a number, not a string");
  EXPECT_EQ(body["events"][1]["index"], 9);
  EXPECT_EQ(body["events"][1]["errors"][0]["pointer"], "/tokenId");

  // Nothing of it is on the bus: the next record is the one published afterwards.
  const auto good = samples_of_every_type("after");
  ASSERT_EQ(post_json(stack.port(), "/events", good[0].event.dump()).status, 202);
  const auto records = consume(*stack.consumer, 2, 500ms);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, good[0].token);
  EXPECT_EQ(stack.srv.stats().messages_published(), 1u);
}

TEST(EventsMemory, MetricsCountPublicationsAndAnswers) {
  memory_stack stack;
  const auto samples = samples_of_every_type("m");
  ASSERT_EQ(post_json(stack.port(), "/events", batch_body(samples)).status, 202);
  ASSERT_EQ(post_json(stack.port(), "/events", "[]").status, 400);
  http_reply m = http_get(stack.port(), "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_THAT(m.headers["content-type"], HasSubstr("text/plain"));
  EXPECT_THAT(m.body, HasSubstr(R"(publisher_messages_published_total{topic="odin.trades"} 3)"));
  EXPECT_THAT(m.body, HasSubstr(R"(publisher_messages_published_total{topic="odin.social"} 2)"));
  EXPECT_THAT(m.body, HasSubstr(R"(publisher_messages_failed_total{topic="odin.trades"} 0)"));
  EXPECT_THAT(m.body, HasSubstr("publisher_produce_latency_seconds_count 23"));
  EXPECT_THAT(m.body, HasSubstr(R"(publisher_http_requests_total{path="/events",status="202"} 1)"));
  EXPECT_THAT(m.body, HasSubstr(R"(publisher_http_requests_total{path="/events",status="400"} 1)"));
}

TEST(EventsMemory, HealthAndStatsShape) {
  memory_stack stack;
  const http_reply h = http_get(stack.port(), "/health");
  EXPECT_EQ(h.status, 200);
  // The plan's (docs/plan.md) /health: {status, uptime (ms), publisher}.
  const json health = json::parse(h.body);
  EXPECT_EQ(health["status"], "healthy");
  EXPECT_TRUE(health["uptime"].is_number_integer()) << h.body;
  EXPECT_EQ(health["publisher"], "connected");
  const json s = json::parse(http_get(stack.port(), "/stats").body);
  // The plan's getStats(): these names with these types, first and in this order.
  const std::vector<std::string> plan = {"messagesPublished", "messagesFailed", "errors",
                                         "startTime",         "byTopic",        "uptime",
                                         "messagesPerSecond"};
  std::vector<std::string> first;
  for (auto it = s.begin(); it != s.end() && first.size() < plan.size(); ++it) {
    first.push_back(it.key());
  }
  EXPECT_EQ(first, plan);
  EXPECT_TRUE(s["errors"].is_number_integer());
  EXPECT_TRUE(s["uptime"].is_number_integer());
  EXPECT_TRUE(s["startTime"].is_number_integer());
  EXPECT_TRUE(s["messagesPerSecond"].is_number());
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_LE(s["startTime"].get<int64_t>(), now_ms);
  EXPECT_GT(s["startTime"].get<int64_t>(), now_ms - 60'000);
  EXPECT_LE(s["uptime"].get<int64_t>(), now_ms - s["startTime"].get<int64_t>() + 1);
  EXPECT_EQ(s["byTopic"].size(), 8u);
  // Ours, under new names.
  EXPECT_TRUE(s["recentErrors"].is_array());
  EXPECT_TRUE(s["messagesPerSecondRecent"].is_number());
  EXPECT_THAT(
      s["startTimeIso"].get<std::string>(),
      ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z"));
  for (const char* key : {"running", "rate", "tokens", "produced", "delivered", "failed"}) {
    EXPECT_TRUE(s["simulator"].contains(key)) << key;
  }
}

}  // namespace
}  // namespace odin::publisher::testing
