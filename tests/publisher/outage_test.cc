// POST /events when the bus is down or slow, and with idempotency keys — with a scripted
// producer standing in for the bus: fail fast (503 + Retry-After, nothing enqueued), the
// queue watermark, the 504 deadline with per-event outcomes, Idempotency-Key / eventId
// (replay, 409 while in flight, the record header of every event).
#include <deque>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "publisher/replies.h"
#include "publisher_fixture.h"
#include "support/http_client.h"

namespace odin::publisher::testing {

using namespace ::odin::test;  // support/http_client.h
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Holds every record until released (or fails them all), with a settable health.
class fake_bus final : public bus::producer {
 public:
  void produce(model::kind kind, std::string_view key, std::string_view value,
               completion done) override {
    produce_keyed(kind, key, value, {}, std::move(done));
  }
  void produce_keyed(model::kind, std::string_view, std::string_view,
                     std::string_view idempotency_key, completion done) override {
    std::lock_guard lock(mutex_);
    headers_.emplace_back(idempotency_key);
    held_.push_back(std::move(done));
  }
  std::size_t flush(std::chrono::milliseconds) override { return held(); }
  bus::producer_health health() const override {
    std::lock_guard lock(mutex_);
    bus::producer_health h = health_;
    h.queued += held_.size();
    return h;
  }

  void set_health(bus::producer_health h) {
    std::lock_guard lock(mutex_);
    health_ = std::move(h);
  }
  std::size_t held() const {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  std::size_t produced() const {
    std::lock_guard lock(mutex_);
    return headers_.size();
  }
  std::vector<std::string> headers() const {
    std::lock_guard lock(mutex_);
    return headers_;
  }
  // Completes the oldest `n` held records: published (offsets 100, 101 ...) or failed.
  void release(std::size_t n, bool ok = true) {
    std::deque<completion> out;
    {
      std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < n && !held_.empty(); ++i) {
        out.push_back(std::move(held_.front()));
        held_.pop_front();
      }
    }
    for (auto& done : out) {
      if (ok) {
        done(bus::delivery{3, next_offset_++});
      } else {
        done(failure(bus::bus_error::timed_out));
      }
    }
  }

 private:
  mutable std::mutex mutex_;
  bus::producer_health health_;
  std::deque<completion> held_;
  std::vector<std::string> headers_;
  int64_t next_offset_ = 100;
};

std::string trending(int i, std::string_view event_id = {}) {
  std::string id;
  if (!event_id.empty()) id = R"("eventId":")" + std::string(event_id) + R"(",)";
  return R"({)" + id + R"("type":"TRENDING_UPDATED","tokenId":"T)" + std::to_string(i) +
         R"(","data":{"rank":1,"score":2}})";
}
std::string batch(std::initializer_list<std::string> events) {
  std::string out = "[";
  for (const std::string& e : events) out += (out.size() > 1 ? "," : "") + e;
  return out + "]";
}

struct fake_stack {
  explicit fake_stack(options o = local_options())
      : simulator(bus), srv(std::move(o), bus, simulator, model::topic_map{}, nullptr) {
    srv.start();
  }
  uint16_t port() const { return srv.port(); }
  // POST /events with an Idempotency-Key (none when empty), on a fresh connection.
  http_reply post(const std::string& body, std::string_view key = {}) const {
    raw_client c(srv.port());
    std::string req = request_text("POST", "/events", body);
    if (!key.empty()) {
      req.insert(req.find("\r\n") + 2, "Idempotency-Key: " + std::string(key) + "\r\n");
    }
    if (!c.send(req)) return {};
    return c.read_answer(10s).value_or(http_reply{});
  }
  fake_bus bus;
  sim::simulator simulator;
  server srv;
};

// Posts `body` on a connection of its own and returns it (the answer is read later).
std::unique_ptr<raw_client> post_async(uint16_t port, const std::string& body,
                                       std::string_view key) {
  auto c = std::make_unique<raw_client>(port);
  std::string req = request_text("POST", "/events", body);
  if (!key.empty()) {
    req.insert(req.find("\r\n") + 2, "Idempotency-Key: " + std::string(key) + "\r\n");
  }
  EXPECT_TRUE(c->send(req));
  return c;
}

TEST(Outage, DisconnectedBusIs503AtOnceWithRetryAfterAndNothingEnqueued) {
  fake_stack stack;
  const auto since = std::chrono::system_clock::now() - 3s;
  stack.bus.set_health({false, "all brokers are down", since, 0});
  const http_reply a = stack.post(batch({trending(1), trending(2), trending(3)}));
  ASSERT_EQ(a.status, 503) << a.body;
  EXPECT_EQ(a.headers.at("retry-after"), "1");
  const json body = json::parse(a.body);
  EXPECT_EQ(body["error"], "bus_down");
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("all brokers are down"));
  EXPECT_EQ(body["since"], epoch_ms(since));
  EXPECT_EQ(stack.bus.produced(), 0u);  // nothing handed to the bus, ever

  const json health = json::parse(http_get(stack.port(), "/health").body);
  EXPECT_EQ(health["publisher"], "disconnected");
  EXPECT_EQ(health["reason"], "all brokers are down");
  EXPECT_EQ(health["since"], epoch_ms(since));
  const json stats = json::parse(http_get(stack.port(), "/stats").body);
  EXPECT_EQ(stats["requestsRefused"], 1);
  EXPECT_EQ(stats["eventsRefused"], 3);
  EXPECT_THAT(http_get(stack.port(), "/metrics").body,
              HasSubstr(R"(publisher_requests_refused_total{reason="bus_down"} 1)"));

  // The bus is back: accepted again, without anyone doing anything.
  stack.bus.set_health({});
  auto pending = post_async(stack.port(), trending(4), "k-after");
  ASSERT_TRUE(poll_until([&] { return stack.bus.held() == 1; }, 5s));
  stack.bus.release(1);
  const auto ok = pending->read_answer(5s);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 202) << ok->body;
  EXPECT_EQ(json::parse(http_get(stack.port(), "/health").body)["publisher"], "connected");
}

TEST(Outage, AboveTheQueueWatermarkIs503QueueFull) {
  options o = local_options();
  o.queue_high_watermark = 50;
  fake_stack stack(o);
  stack.bus.set_health({true, {}, {}, 48});  // 48 records already waiting
  const http_reply a = stack.post(batch({trending(1), trending(2), trending(3)}));
  ASSERT_EQ(a.status, 503) << a.body;
  EXPECT_EQ(json::parse(a.body)["error"], "queue_full");
  EXPECT_EQ(a.headers.at("retry-after"), "1");
  EXPECT_EQ(stack.bus.produced(), 0u);
  auto two = post_async(stack.port(), batch({trending(1), trending(2)}), "k2");  // 50: fits
  ASSERT_TRUE(poll_until([&] { return stack.bus.held() == 2; }, 5s));
  stack.bus.release(2);
  EXPECT_EQ(two->read_answer(5s).value_or(http_reply{}).status, 202);
}

TEST(Outage, NotAllAcknowledgedByTheDeadlineIs504WithEachEventsOutcome) {
  options o = local_options();
  o.ack_timeout = 400ms;
  fake_stack stack(o);
  raw_client c(stack.port());
  ASSERT_TRUE(c.send(request_text("POST", "/events",
                                  batch({trending(1), trending(2), trending(3), trending(4)}))));
  ASSERT_TRUE(poll_until([&] { return stack.bus.held() == 4; }, 5s));
  stack.bus.release(1);              // event 0 published
  stack.bus.release(1, false);       // event 1 failed
  const auto a = c.read_answer(5s);  // events 2 and 3: no answer by the deadline
  ASSERT_TRUE(a.has_value());
  ASSERT_EQ(a->status, 504) << a->body;
  const json body = json::parse(a->body);
  EXPECT_EQ(body["error"], "ack_timeout");
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("within 400 ms"));
  EXPECT_EQ(body["published"], 1);
  EXPECT_EQ(body["failed"], 1);
  EXPECT_EQ(body["unknown"], 2);
  std::vector<std::string> outcomes;
  for (const json& r : body["results"]) outcomes.push_back(r["outcome"]);
  EXPECT_THAT(outcomes, ElementsAre("published", "failed", "unknown", "unknown"));
  EXPECT_EQ(body["results"][0]["offset"], 100);
  EXPECT_EQ(body["results"][1]["error"], "timed_out");
  stack.bus.release(2);  // late acknowledgements are harmless and counted
  EXPECT_EQ(stack.srv.stats().messages_published(), 3u);
}

TEST(Idempotency, ARepeatedKeyPublishesNothingAndReplaysTheFirstAnswer) {
  fake_stack stack;
  const std::string body = batch({trending(1), trending(2)});
  auto first = post_async(stack.port(), body, "order-42");
  ASSERT_TRUE(poll_until([&] { return stack.bus.held() == 2; }, 5s));
  // While the first is in flight: 409, nothing produced.
  const http_reply busy = stack.post(body, "order-42");
  ASSERT_EQ(busy.status, 409) << busy.body;
  EXPECT_EQ(json::parse(busy.body)["error"], "idempotency_key_in_flight");
  EXPECT_EQ(busy.headers.at("retry-after"), "1");
  EXPECT_EQ(stack.bus.produced(), 2u);

  stack.bus.release(2);
  const auto a = first->read_answer(5s);
  ASSERT_TRUE(a.has_value());
  ASSERT_EQ(a->status, 202) << a->body;
  EXPECT_FALSE(a->headers.contains("idempotent-replayed"));
  const http_reply again = stack.post(body, "order-42");
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, a->body);  // the first request's outcome, offsets included
  EXPECT_EQ(again.headers.at("idempotent-replayed"), "true");
  EXPECT_EQ(stack.bus.produced(), 2u);
  // The record header of each event: "<key>/<index>".
  EXPECT_THAT(stack.bus.headers(), ElementsAre("order-42/0", "order-42/1"));
  EXPECT_THAT(http_get(stack.port(), "/metrics").body,
              HasSubstr(R"(publisher_idempotency_repeats_total{result="replayed"} 1)"));
}

TEST(Idempotency, AKeyWhoseEventsAllFailedCanBeRetried) {
  fake_stack stack;
  auto first = post_async(stack.port(), trending(1), "k");
  ASSERT_TRUE(poll_until([&] { return stack.bus.held() == 1; }, 5s));
  stack.bus.release(1, false);
  EXPECT_EQ(first->read_answer(5s).value_or(http_reply{}).status, 503);
  auto retry = post_async(stack.port(), trending(1), "k");  // nothing was published: again
  ASSERT_TRUE(poll_until([&] { return stack.bus.held() == 1; }, 5s));
  stack.bus.release(1);
  EXPECT_EQ(retry->read_answer(5s).value_or(http_reply{}).status, 202);
  EXPECT_EQ(stack.bus.produced(), 2u);
}

TEST(Idempotency, EventIdsDeduplicateSingleEventsAndTravelAsTheHeader) {
  fake_stack stack;
  auto first = post_async(stack.port(), batch({trending(1, "ev-1"), trending(2)}), "batch-a");
  ASSERT_TRUE(poll_until([&] { return stack.bus.held() == 2; }, 5s));
  stack.bus.release(2);
  ASSERT_EQ(first->read_answer(5s).value_or(http_reply{}).status, 202);
  // Another request (another key) repeating ev-1: only the new event is published.
  auto second = post_async(stack.port(), batch({trending(3), trending(1, "ev-1")}), "batch-b");
  ASSERT_TRUE(poll_until([&] { return stack.bus.held() == 1; }, 5s));
  stack.bus.release(1);
  const auto a = second->read_answer(5s);
  ASSERT_TRUE(a.has_value());
  ASSERT_EQ(a->status, 202) << a->body;
  const json body = json::parse(a->body);
  EXPECT_FALSE(body["results"][0].contains("duplicate"));
  EXPECT_EQ(body["results"][1]["duplicate"], true);
  EXPECT_EQ(body["results"][1]["offset"], 100);  // where the first copy went
  EXPECT_EQ(stack.bus.produced(), 3u);
  EXPECT_THAT(stack.bus.headers(), ElementsAre("ev-1", "batch-a/1", "batch-b/0"));
  // Without a key or eventId: no header.
  auto plain = post_async(stack.port(), trending(9), {});
  ASSERT_TRUE(poll_until([&] { return stack.bus.held() == 1; }, 5s));
  stack.bus.release(1);
  ASSERT_EQ(plain->read_answer(5s).value_or(http_reply{}).status, 202);
  // The same eventId twice in one request, and a bad key, are refused.
  const http_reply twice = stack.post(batch({trending(1, "dup"), trending(2, "dup")}));
  EXPECT_EQ(twice.status, 400);
  EXPECT_THAT(twice.body, HasSubstr("repeats the eventId of event 0"));
  EXPECT_EQ(stack.post(trending(1), std::string(256, 'k')).status, 400);
  EXPECT_EQ(stack.bus.produced(), 4u);
  EXPECT_EQ(stack.bus.headers().back(), "");
}

}  // namespace
}  // namespace odin::publisher::testing
