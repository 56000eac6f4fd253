// POST /events through Kafka (librdkafka mock cluster, 3 brokers, acks=all): every type lands
// on its topic, read back by a separate consumer; a bus outage turns into 503 within the
// delivery timeout, counted in messagesFailed; after it, requests succeed again and nothing
// answered 2xx is missing.
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bus/kafka_consumer.h"
#include "bus/kafka_producer.h"
#include "http_client.h"
#include "publisher_fixture.h"
#include "support/mock_cluster.h"

namespace odin::publisher::testing {
namespace {

using ::testing::HasSubstr;

// `odin publisher`'s wiring: Kafka producer, simulator, server (which meters the producer).
struct kafka_stack {
  explicit kafka_stack(const bus::kafka_options& o)
      : producer(o),
        simulator(producer),
        srv(local_options(), producer, simulator, o.topics, nullptr) {
    srv.start();
  }
  uint16_t port() const { return srv.port(); }

  bus::kafka_producer producer;
  sim::simulator simulator;
  server srv;
};

// A consumer of every partition, from the latest offset, ready before anything is published.
std::unique_ptr<bus::kafka_consumer> ready_consumer(const bus::kafka_options& o) {
  auto c = std::make_unique<bus::kafka_consumer>(o);
  const bool ready = poll_until([&] { return c->ready(); }, 20s,
                                [&] {
                                  (void)c->poll(50ms, 100, [](const bus::record&) {
                                    ADD_FAILURE() << "record before start";
                                  });
                                });
  EXPECT_TRUE(ready);
  return c;
}

TEST(KafkaPublish, EveryTypeLandsOnItsTopicKeyedByToken) {
  test::mock_cluster cluster(3);
  const bus::kafka_options o = test::mock_options(cluster, "publisher-test");
  cluster.create_odin_topics(o.topics, 12);
  auto consumer = ready_consumer(o);
  kafka_stack stack(o);

  const auto batch = samples_of_every_type("k");
  const http_answer a = post_json(stack.port(), "/events", batch_body(batch));
  ASSERT_EQ(a.status, 202) << a.body;
  EXPECT_EQ(json::parse(a.body)["accepted"], 23);
  const auto singles = samples_of_every_type("one");
  for (const sample& s : singles) {
    const http_answer one = post_json(stack.port(), "/events", s.event.dump());
    ASSERT_EQ(one.status, 202) << one.body;
  }
  auto records = consume(*consumer, 46, 20s);
  ASSERT_EQ(records.size(), 46u);
  std::vector<consumed> first(records.begin(), records.end()), second;
  std::erase_if(first, [](const consumed& r) { return r.key.ends_with("one"); });
  std::copy_if(records.begin(), records.end(), std::back_inserter(second),
               [](const consumed& r) { return r.key.ends_with("one"); });
  expect_delivered(batch, first);
  expect_delivered(singles, second);
  // The answer's coordinates are the record's.
  const json results = json::parse(a.body)["results"];
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto it = std::find_if(first.begin(), first.end(),
                                 [&](const consumed& r) { return r.key == batch[i].token; });
    ASSERT_NE(it, first.end());
    EXPECT_EQ(results[i]["topic"], o.topics.topic_of(batch[i].type));
    EXPECT_EQ(results[i]["partition"], it->partition);
    EXPECT_EQ(results[i]["offset"], it->offset);
  }
  EXPECT_EQ(stack.srv.stats().messages_published(), 46u);
}

std::string comment(const std::string& id) {
  return R"({"type":"COMMENT_POSTED","tokenId":"K)" + id + R"(","data":{"commentId":")" + id +
         R"(","text":"hi","author":"u"}})";
}

std::string comments(int from, int n) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + comment(std::to_string(from + i));
  return out + "]";
}

TEST(KafkaPublish, OutageGives503WithinTheDeliveryTimeoutThenRecovers) {
  test::mock_cluster cluster(3);
  bus::kafka_options o = test::mock_options(cluster, "publisher-test");
  o.delivery_timeout = 2s;
  cluster.create_odin_topics(o.topics, 12);
  auto consumer = ready_consumer(o);
  kafka_stack stack(o);
  std::set<std::string> answered_2xx;  // tokens of events the publisher said were published

  ASSERT_EQ(post_json(stack.port(), "/events", comment("1")).status, 202);
  answered_2xx.insert("K1");

  for (int id = 1; id <= 3; ++id) cluster.broker_down(id);
  const auto t0 = std::chrono::steady_clock::now();
  const http_answer down = post_json(stack.port(), "/events", comments(100, 5));
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(down.status, 503) << down.body;
  EXPECT_LT(elapsed, 5s);  // delivery timeout 2 s, plus librdkafka's 1 s timeout scan
  const json body = json::parse(down.body);
  EXPECT_EQ(body["error"], "bus_unavailable");
  EXPECT_EQ(body["message"], "the bus did not acknowledge within the delivery timeout");
  EXPECT_THAT(body["hint"].get<std::string>(), HasSubstr("retry"));
  EXPECT_EQ(body["published"], 0);
  EXPECT_EQ(body["failed"], 5);
  ASSERT_EQ(body["results"].size(), 5u);
  EXPECT_TRUE(body["results"][0].contains("error"));
  EXPECT_EQ(post_json(stack.port(), "/events", comment("200")).status, 503);

  const json stats = json::parse(get(stack.port(), "/stats").body);
  EXPECT_EQ(stats["messagesFailed"], 6);
  EXPECT_EQ(stats["messagesPublished"], 1);
  EXPECT_FALSE(stats["errors"].empty());

  for (int id = 1; id <= 3; ++id) cluster.broker_up(id);
  int next = 300;
  bool recovered = false;  // (done() must be idempotent: poll_until calls it once more)
  poll_until(
      [&] {
        if (recovered) return true;
        const std::string id = std::to_string(next++);
        if (post_json(stack.port(), "/events", comment(id)).status != 202) return false;
        answered_2xx.insert("K" + id);
        return recovered = true;
      },
      20s, [] {});
  ASSERT_TRUE(recovered);
  const http_answer batch = post_json(stack.port(), "/events", comments(500, 5));
  ASSERT_EQ(batch.status, 202) << batch.body;
  for (int i = 500; i < 505; ++i) answered_2xx.insert("K" + std::to_string(i));

  // Every event answered 2xx is on the topic.
  std::set<std::string> seen;
  poll_until(
      [&] {
        return std::includes(seen.begin(), seen.end(), answered_2xx.begin(), answered_2xx.end());
      },
      20s,
      [&] {
        (void)consumer->poll(50ms, 1000,
                             [&](const bus::record& r) { seen.insert(std::string(r.key)); });
      });
  for (const std::string& token : answered_2xx) EXPECT_TRUE(seen.contains(token)) << token;
}

}  // namespace
}  // namespace odin::publisher::testing
