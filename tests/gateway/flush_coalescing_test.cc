// WS_FLUSH_MODE=fixed, WS_FLUSH_INTERVAL: a session written less than an interval ago waits
// for the shard's flush timer. The first event after a quiet interval leaves at once; events that
// follow within the interval gather and leave together — fewer sendmsg calls, same bytes, same
// order. "Ago" is read on a manual clock (options::clock) the test moves, so what is asserted does
// not depend on how fast this machine runs the test.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "gateway/gateway_fixture.h"
#include "support/manual_clock.h"

namespace odin::gateway::test {
namespace {

using model::kind;
using namespace std::chrono_literals;

class FlushCoalescing : public gateway_fixture {
 protected:
  void start_with(std::chrono::microseconds interval, bool adaptive = false) {
    options o = test_options();
    o.io_threads = 1;  // one shard: its flush counters are the ones under test
    o.flush_interval = interval;
    o.flush_adaptive = adaptive;
    o.clock = clock_.function();
    interval_ = interval;
    start(o);
    client_ = connect_client();
    ASSERT_EQ(request(*client_, R"({"type":"subscribe","channels":["FLUSH.trade"]})")["type"],
              "subscribed");
    settle_write();
  }

  // The session stamps last_write after sendmsg returns, so the client may read a frame before
  // the stamp is taken; the counter is bumped after the stamp: once it shows the write, moving
  // the clock cannot land inside it.
  void settle_write() {
    ++writes_;
    ASSERT_TRUE(wait_for([&] { return metric("ws_write_calls_total") >= writes_; }, 10s))
        << "write " << writes_ << " never counted";
  }

  std::vector<std::string> push_n(int n) {
    std::vector<std::string> texts;
    for (int i = 0; i < n; ++i) texts.push_back(push(kind::trade, "FLUSH", std::to_string(i)).text);
    return texts;
  }

  std::vector<std::string> read_all(const std::vector<std::string>& want) {
    bool complete = false;
    auto got = client_->read_until(want.back(), complete, 10s);  // all before want.back()
    if (complete) got.push_back(want.back());
    return got;
  }

  // Pushes one event a full interval (on the manual clock) after the last write, and reads it.
  void push_calm_event() {
    clock_.advance(interval_);
    const auto one = push_n(1);
    ASSERT_EQ(read_all(one), one);
    settle_write();
  }

  ::odin::test::manual_clock clock_;
  std::chrono::microseconds interval_{};
  double writes_ = 0;  // writes to the client so far
  std::unique_ptr<ws_client> client_;
};

TEST_F(FlushCoalescing, ACalmSessionIsWrittenAtOnceOneWritePerEvent) {
  start_with(std::chrono::hours(1));  // the flush timer never fires within the test
  const double writes_before = metric("ws_write_calls_total");
  // With a 1 h interval, an event is only written before the test's 10 s read deadline if
  // the immediate path wrote it: the clock says the last write was an interval ago.
  for (int i = 0; i < 5; ++i) push_calm_event();
  EXPECT_EQ(metric("ws_write_calls_total") - writes_before, 5);
  EXPECT_EQ(metric("ws_deferred_writes_total"), 0);
  EXPECT_EQ(metric("ws_events_sent_total"), 5);
}

TEST_F(FlushCoalescing, ABusySessionIsWrittenOnlyByTheFlushTimer) {
  start_with(20ms);
  push_calm_event();  // the first event after a quiet interval leaves at once ...
  EXPECT_EQ(metric("ws_deferred_writes_total"), 0);
  const double writes_before = metric("ws_write_calls_total");

  // ... then the clock stands still: every drain turn finds the session written "0 s ago",
  // so each of these events waits for the flush timer, which writes everything gathered
  // since its last turn in one sendmsg: one write per deferral, never one per event.
  const auto burst = push_n(20);
  ASSERT_EQ(read_all(burst), burst);
  const double writes = metric("ws_write_calls_total") - writes_before;
  const double deferred = metric("ws_deferred_writes_total");
  EXPECT_GE(deferred, 1);
  EXPECT_EQ(writes, deferred) << "a write that did not wait for the timer";
  EXPECT_EQ(metric("ws_events_sent_total"), 21);
}

TEST_F(FlushCoalescing, ZeroIntervalWritesAfterEveryDrainTurn) {
  start_with(0us);
  const double writes_before = metric("ws_write_calls_total");
  // One event per drain turn (each read before the next push): each is its own write, even
  // though the clock never moves.
  for (int i = 0; i < 10; ++i) {
    const auto one = push_n(1);
    ASSERT_EQ(read_all(one), one);
  }
  EXPECT_EQ(metric("ws_write_calls_total") - writes_before, 10);
  EXPECT_EQ(metric("ws_events_sent_total"), 10);
  EXPECT_EQ(metric("ws_deferred_writes_total"), 0);
}

// WS_FLUSH_MODE=adaptive on a shard with time to spare: the clock stands still, so every
// drain turn finds the session written "0 s ago" — the fixed window would put each event off
// to the timer (the test above); the adaptive window is 0 and writes each at once.
TEST_F(FlushCoalescing, AdaptiveModeWritesEveryTurnWhileTheShardKeepsUp) {
  start_with(std::chrono::hours(1), true);  // a deferred write would miss the read deadline
  const double writes_before = metric("ws_write_calls_total");
  for (int i = 0; i < 10; ++i) {
    const auto one = push_n(1);
    ASSERT_EQ(read_all(one), one);
  }
  EXPECT_EQ(metric("ws_write_calls_total") - writes_before, 10);
  EXPECT_EQ(metric("ws_deferred_writes_total"), 0);
  EXPECT_EQ(metric("ws_flush_window_seconds"), 0);
  EXPECT_EQ(metric("ws_flush_window_openings_total"), 0);
}

}  // namespace
}  // namespace odin::gateway::test
