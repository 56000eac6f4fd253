// How POST /events answers when the bus fails part of a batch, does not answer in time, or
// the server stops with events in flight — with a scripted producer standing in for the bus.
#include <deque>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "publisher_fixture.h"
#include "support/http_client.h"

namespace odin::publisher::testing {

using namespace ::odin::test;  // support/http_client.h
namespace {

using ::testing::HasSubstr;

class scripted_producer final : public bus::producer {
 public:
  enum class mode { fail_every_second, hold };
  explicit scripted_producer(mode m) : mode_(m) {}

  void produce(model::kind, std::string_view, std::string_view, completion done) override {
    int64_t n = 0;
    {
      std::lock_guard lock(mutex_);
      n = ++produced_;
      if (mode_ == mode::hold) {
        held_.push_back(std::move(done));
        return;
      }
    }
    if (n % 2 == 0) {
      done(failure(bus::bus_error::transport));
    } else {
      done(bus::delivery{0, n});
    }
  }
  std::size_t flush(std::chrono::milliseconds) override { return held(); }

  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  // Completes every held record successfully (on the calling thread).
  void release() {
    std::deque<completion> out;
    {
      std::lock_guard lock(mutex_);
      out.swap(held_);
    }
    for (auto& done : out) done(bus::delivery{1, 7});
  }

 private:
  const mode mode_;
  std::mutex mutex_;
  int64_t produced_ = 0;
  std::deque<completion> held_;
};

const std::string event =
    R"({"type":"TRENDING_UPDATED","tokenId":"BTC","data":{"rank":1,"score":2}})";
const std::string four = "[" + event + "," + event + "," + event + "," + event + "]";

TEST(BusFailure, PartialFailureSaysWhichEventsWerePublished) {
  scripted_producer bus(scripted_producer::mode::fail_every_second);
  sim::simulator simulator(bus);
  server srv(local_options(), bus, simulator, model::topic_map{}, nullptr);
  srv.start();
  const http_reply a = post_json(srv.port(), "/events", four);
  ASSERT_EQ(a.status, 503) << a.body;
  const json body = json::parse(a.body);
  EXPECT_EQ(body["error"], "bus_unavailable");
  EXPECT_EQ(body["message"], "the brokers are unreachable");  // bus::describe
  EXPECT_THAT(body["hint"].get<std::string>(),
              HasSubstr(R"(retry the events whose outcome is "failed")"));
  EXPECT_EQ(body["published"], 2);
  EXPECT_EQ(body["failed"], 2);
  EXPECT_EQ(body["unknown"], 0);
  ASSERT_EQ(body["results"].size(), 4u);
  EXPECT_EQ(body["results"][0]["offset"], 1);
  EXPECT_EQ(body["results"][1]["error"], "transport");
  EXPECT_EQ(body["results"][1]["outcome"], "failed");
  EXPECT_EQ(body["results"][2]["outcome"], "published");
  EXPECT_EQ(body["results"][2]["offset"], 3);
  EXPECT_EQ(body["results"][3]["topic"], "odin.analytics");
  EXPECT_EQ(body["results"][3]["error"], "transport");

  const json stats = json::parse(http_get(srv.port(), "/stats").body);
  EXPECT_EQ(stats["messagesPublished"], 2);
  EXPECT_EQ(stats["messagesFailed"], 2);
  EXPECT_EQ(stats["errors"], 2);
  ASSERT_EQ(stats["recentErrors"].size(), 2u);
  EXPECT_THAT(stats["recentErrors"][0].get<std::string>(),
              HasSubstr("odin.analytics: the brokers are unreachable"));
  EXPECT_THAT(http_get(srv.port(), "/metrics").body,
              HasSubstr(R"(publisher_messages_failed_total{topic="odin.analytics"} 2)"));
}

TEST(BusFailure, NoAnswerWithinTheAckTimeoutIs504AndLateAnswersAreStillCounted) {
  scripted_producer bus(scripted_producer::mode::hold);
  sim::simulator simulator(bus);
  options o = local_options();
  o.ack_timeout = 300ms;
  server srv(o, bus, simulator, model::topic_map{}, nullptr);
  srv.start();
  const auto t0 = std::chrono::steady_clock::now();
  const http_reply a = post_json(srv.port(), "/events", four);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(a.status, 504) << a.body;
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 2s);
  const json body = json::parse(a.body);
  EXPECT_EQ(body["error"], "ack_timeout");
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("within 300 ms"));
  EXPECT_EQ(body["unknown"], 4);
  EXPECT_EQ(body["results"][0]["outcome"], "unknown");

  bus.release();  // the bus answers after all
  EXPECT_EQ(srv.stats().messages_published(), 4u);
  EXPECT_EQ(http_get(srv.port(), "/health").status, 200);
}

TEST(BusFailure, StoppingWithEventsInFlightIsBoundedAndLateCompletionsAreHarmless) {
  scripted_producer bus(scripted_producer::mode::hold);
  sim::simulator simulator(bus);
  options o = local_options();
  o.shutdown_timeout = 200ms;
  auto srv = std::make_unique<server>(o, bus, simulator, model::topic_map{}, nullptr);
  srv->start();
  raw_client client(srv->port());
  ASSERT_TRUE(client.send(request_text("POST", "/events", four)));
  ASSERT_TRUE(poll_until([&] { return bus.held() == 4; }, 5s));
  const auto t0 = std::chrono::steady_clock::now();
  srv->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
  EXPECT_TRUE(client.wait_closed(2s));
  srv.reset();
  bus.release();  // completions after the server is gone touch nothing of it
  SUCCEED();
}

}  // namespace
}  // namespace odin::publisher::testing
