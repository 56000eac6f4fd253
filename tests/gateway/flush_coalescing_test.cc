// WS_FLUSH_INTERVAL: a session written less than an interval ago waits for the shard's flush
// timer. The first event after a quiet interval leaves at once; events that follow within
// the interval gather and leave together — fewer sendmsg calls, same bytes, same order.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gateway/gateway_fixture.h"

namespace odin::gateway::test {
namespace {

using model::kind;
using namespace std::chrono_literals;

class flush_coalescing : public gateway_fixture {
 protected:
  void start_with(std::chrono::microseconds interval) {
    options o = test_options();
    o.io_threads = 1;  // one shard: its flush counters are the ones under test
    o.flush_interval = interval;
    start(o);
    client_ = connect_client();
    ASSERT_EQ(request(*client_, R"({"type":"subscribe","channels":["FLUSH.trade"]})")["type"],
              "subscribed");
  }

  // Pushes `n` events `gap` apart; returns what the client must receive.
  std::vector<std::string> push_spaced(int n, std::chrono::milliseconds gap) {
    std::vector<std::string> texts;
    for (int i = 0; i < n; ++i) {
      texts.push_back(push(kind::trade, "FLUSH", std::to_string(i)).text);
      std::this_thread::sleep_for(gap);
    }
    return texts;
  }

  std::vector<std::string> read_all(const std::vector<std::string>& want) {
    bool complete = false;
    auto got = client_->read_until(want.back(), complete, 10s);  // all before want.back()
    if (complete) got.push_back(want.back());
    return got;
  }

  std::unique_ptr<ws_client> client_;
};

TEST_F(flush_coalescing, events_within_the_interval_leave_in_one_write_and_in_order) {
  start_with(std::chrono::milliseconds(400));
  std::this_thread::sleep_for(450ms);  // the subscribe reply was a write too
  // The first event after a quiet interval is written at once ...
  const auto first = push_spaced(1, 0ms);
  const auto before = std::chrono::steady_clock::now();
  ASSERT_EQ(read_all(first), first);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 300ms);
  EXPECT_EQ(metric("ws_deferred_writes_total"), 0);
  const double writes_before = metric("ws_write_calls_total");

  // ... the next 20, pushed 2 ms apart (~40 ms) inside the interval, wait for the flush timer
  // and leave together: one sendmsg (two if the machine stalled the pushes).
  const auto burst = push_spaced(20, 2ms);
  ASSERT_EQ(read_all(burst), burst);
  EXPECT_LE(metric("ws_write_calls_total") - writes_before, 2);
  EXPECT_GE(metric("ws_deferred_writes_total"), 1);
  EXPECT_EQ(metric("ws_events_sent_total"), 21);
}

TEST_F(flush_coalescing, zero_interval_writes_after_every_drain_turn) {
  start_with(0us);
  const double writes_before = metric("ws_write_calls_total");
  const auto spaced = push_spaced(20, 5ms);
  ASSERT_EQ(read_all(spaced), spaced);
  // 5 ms apart, each event is its own drain turn and its own write.
  EXPECT_GE(metric("ws_write_calls_total") - writes_before, 15);
  EXPECT_EQ(metric("ws_events_sent_total"), 20);
  EXPECT_EQ(metric("ws_deferred_writes_total"), 0);
}

}  // namespace
}  // namespace odin::gateway::test
