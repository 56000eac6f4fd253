// POST /events through Kafka (librdkafka mock cluster, 3 brokers, acks=all): every type lands
// on its topic, read back by a separate consumer; with every broker down the publisher
// answers 503 at once and publishes nothing of it later; a request in flight when the brokers
// go is answered 504 at PUBLISHER_ACK_TIMEOUT, and its retry under the same Idempotency-Key
// leaves exactly one copy on the topic (read from the cluster's log).
#include <map>
#include <optional>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bus/kafka_consumer.h"
#include "bus/kafka_producer.h"
#include "publisher_fixture.h"
#include "support/http_client.h"
#include "support/mock_cluster.h"

namespace odin::publisher::testing {

using namespace ::odin::test;  // support/http_client.h
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
  const http_reply a = post_json(stack.port(), "/events", batch_body(batch));
  ASSERT_EQ(a.status, 202) << a.body;
  EXPECT_EQ(json::parse(a.body)["accepted"], 23);
  const auto singles = samples_of_every_type("one");
  for (const sample& s : singles) {
    const http_reply one = post_json(stack.port(), "/events", s.event.dump());
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

// The publisher's view of the bus, from GET /health.
std::string publisher_state(uint16_t port) {
  const http_reply h = http_get(port, "/health");
  if (h.status != 200) return "no answer";
  return json::parse(h.body)["publisher"].get<std::string>();
}

// POST /events with an Idempotency-Key.
http_reply post_keyed(uint16_t port, const std::string& body, const std::string& key) {
  raw_client c(port);
  std::string req = request_text("POST", "/events", body);
  req.insert(req.find("\r\n") + 2, "Idempotency-Key: " + key + "\r\n");
  if (!c.send(req)) return {};
  return c.read_answer(15s).value_or(http_reply{});
}

// How many records of `topic` carry each token (read from the cluster's log, not through odin).
std::map<std::string, int> copies_by_token(const test::mock_cluster& cluster,
                                           const std::string& topic) {
  std::map<std::string, int> out;
  for (const auto& r : cluster.read_log({topic}, 12, 20s)) {
    ++out[json::parse(r.value)["tokenId"].get<std::string>()];
  }
  return out;
}

TEST(KafkaPublish, BrokersDownIs503AtOnceAndNothingOfItIsPublishedLater) {
  test::mock_cluster cluster(3);
  bus::kafka_options o = test::mock_options(cluster, "publisher-test");
  cluster.create_odin_topics(o.topics, 12);
  kafka_stack stack(o);
  ASSERT_EQ(post_json(stack.port(), "/events", comments(1, 12)).status, 202);  // every broker
  EXPECT_EQ(publisher_state(stack.port()), "connected");

  for (int id = 1; id <= 3; ++id) cluster.broker_down(id);
  ASSERT_TRUE(poll_until([&] { return publisher_state(stack.port()) == "disconnected"; }, 20s));
  const json health = json::parse(http_get(stack.port(), "/health").body);
  EXPECT_EQ(health["reason"], "all brokers are down");
  EXPECT_TRUE(health["since"].is_number_integer());
  // Before any broker is back: 503 with Retry-After, nothing handed to librdkafka.
  const http_reply down = post_json(stack.port(), "/events", comments(100, 5));
  ASSERT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(json::parse(down.body)["error"], "bus_down");
  EXPECT_EQ(down.headers.at("retry-after"), "1");
  EXPECT_EQ(stack.producer.outstanding(), 0u);
  EXPECT_EQ(json::parse(http_get(stack.port(), "/stats").body)["eventsRefused"], 5);

  // Recovery needs nobody: the producer notices the brokers by itself.
  for (int id = 1; id <= 3; ++id) cluster.broker_up(id);
  ASSERT_TRUE(poll_until([&] { return publisher_state(stack.port()) == "connected"; }, 20s));
  ASSERT_EQ(post_json(stack.port(), "/events", comment("300")).status, 202);
  ASSERT_EQ(stack.producer.flush(5s), 0u);
  const auto copies = copies_by_token(cluster, o.topics.topic_of(model::kind::community));
  for (int i = 1; i <= 12; ++i) EXPECT_EQ(copies.count("K" + std::to_string(i)), 1u) << i;
  EXPECT_EQ(copies.count("K300"), 1u);
  for (int i = 100; i < 105; ++i) EXPECT_EQ(copies.count("K" + std::to_string(i)), 0u) << i;
}

TEST(KafkaPublish, InFlightWhenBrokersGoDownIs504AndARetryWithTheKeyPublishesOnce) {
  test::mock_cluster cluster(3);
  bus::kafka_options o = test::mock_options(cluster, "publisher-test");
  o.delivery_timeout = 60s;  // the records outlive the outage in librdkafka's queue
  cluster.create_odin_topics(o.topics, 12);
  const std::string topic = o.topics.topic_of(model::kind::community);
  for (int p = 0; p < 12; ++p) cluster.set_leader(topic, p, 1);
  options po = local_options();
  po.ack_timeout = 1s;
  bus::kafka_producer producer(o);
  sim::simulator simulator(producer);
  server srv(po, producer, simulator, o.topics, nullptr);
  srv.start();
  // Connected and idempotent-ready before the 1 s deadline matters (the first request of a
  // fresh producer waits for its producer id).
  ASSERT_TRUE(poll_until(
      [&] { return post_json(srv.port(), "/events", comment("1")).status == 202; }, 20s));
  ASSERT_EQ(producer.flush(10s), 0u);

  // The leader of every partition goes, then the rest: the request is in flight meanwhile.
  cluster.broker_down(1);
  const std::string body = comments(100, 3);
  std::optional<http_reply> first;
  std::thread sender([&] { first = post_keyed(srv.port(), body, "transfer-7"); });
  ASSERT_TRUE(poll_until([&] { return producer.outstanding() == 3; }, 10s));
  cluster.broker_down(2);
  cluster.broker_down(3);
  sender.join();
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->status, 504) << first->body;
  const json timed_out = json::parse(first->body);
  EXPECT_EQ(timed_out["error"], "ack_timeout");
  EXPECT_EQ(timed_out["unknown"], 3);
  for (const json& r : timed_out["results"]) EXPECT_EQ(r["outcome"], "unknown");

  // The backend retries (its own timeout): the first is still in flight — 409, nothing new.
  const http_reply retry = post_keyed(srv.port(), body, "transfer-7");
  EXPECT_EQ(retry.status, 409) << retry.body;
  EXPECT_EQ(producer.outstanding(), 3u);
  // A request without a key while every broker is down: 503 at once, once noticed.
  ASSERT_TRUE(poll_until([&] { return publisher_state(srv.port()) == "disconnected"; }, 20s));
  EXPECT_EQ(post_json(srv.port(), "/events", comment("200")).status, 503);

  for (int id = 1; id <= 3; ++id) cluster.broker_up(id);
  // The first request's records are published after all; then a retry replays its outcome.
  http_reply replay;
  ASSERT_TRUE(poll_until(
      [&] {
        if (replay.status == 202) return true;
        replay = post_keyed(srv.port(), body, "transfer-7");
        return replay.status == 202;
      },
      30s, [] { std::this_thread::sleep_for(100ms); }))
      << replay.status << " " << replay.body;
  EXPECT_EQ(replay.headers.at("idempotent-replayed"), "true");
  EXPECT_EQ(json::parse(replay.body)["accepted"], 3);
  ASSERT_EQ(producer.flush(5s), 0u);
  const auto copies = copies_by_token(cluster, topic);
  for (int i = 100; i < 103; ++i) EXPECT_EQ(copies.count("K" + std::to_string(i)), 1u) << i;
  EXPECT_EQ(copies.count("K200"), 0u);
  srv.stop();
}

}  // namespace
}  // namespace odin::publisher::testing
