// POST /control drives the simulator like docs/plan.md's control endpoint; /stats reports it.
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "publisher_fixture.h"
#include "support/http_client.h"
#include "support/manual_clock.h"
#include "support/wait_for.h"

namespace odin::publisher::testing {

using namespace ::odin::test;  // support/http_client.h
namespace {

using ::testing::HasSubstr;

uint64_t published(const memory_stack& stack) {
  return stack.srv.stats().messages_published();
}

json control(const memory_stack& stack, const std::string& body, int want_status) {
  const http_reply a = post_json(stack.port(), "/control", body);
  EXPECT_EQ(a.status, want_status) << body << " → " << a.body;
  return json::parse(a.body, nullptr, false);
}

TEST(Control, StartRunsAtTheRequestedRateAndStopStops) {
  test::manual_clock clock;
  sim::options so;
  so.clock = clock.function();
  memory_stack stack(local_options(), so);
  const json started = control(stack, R"({"action":"start","messagesPerSecond":200})", 200);
  EXPECT_EQ(started["success"], true);
  EXPECT_EQ(started["message"], "Simulator started");
  EXPECT_EQ(started["simulator"]["running"], true);
  EXPECT_EQ(started["simulator"]["rate"], 200);

  // Pacing is judged on an injected clock: after it moved 2 s, exactly 200 * 2 + 1 events
  // were due (event k at k / 200 s), counted by the publisher (the simulator shares its
  // producer) — whatever this machine's load.
  // The pacing thread takes its start time from the clock when it starts; its first event
  // (due at once) says it has, so the clock may move only after it (else a starved thread
  // would start at the moved time and owe nothing).
  ASSERT_TRUE(test::wait_for([&] { return published(stack) >= 1; }, 10s));
  for (uint64_t step = 1; step <= 8; ++step) {
    clock.advance(250ms);
    const uint64_t due = 1 + 50 * step;
    ASSERT_TRUE(test::wait_for([&] { return published(stack) >= due; }, 10s))
        << published(stack) << " of " << due;
    EXPECT_EQ(published(stack), due) << "more than due after " << step * 250 << " ms";
  }
  const uint64_t n1 = published(stack);

  const json stats = json::parse(http_get(stack.port(), "/stats").body);
  EXPECT_EQ(stats["simulator"]["running"], true);
  EXPECT_GT(stats["messagesPerSecondRecent"].get<double>(), 0);  // real time: not the rate
  EXPECT_EQ(stats["messagesPublished"].get<uint64_t>(), n1);

  const json stopped = control(stack, R"({"action":"stop"})", 200);
  EXPECT_EQ(stopped["message"], "Simulator stopped");
  EXPECT_EQ(stopped["simulator"]["running"], false);
  clock.advance(2s);                  // a running simulator would now owe 400 more events
  std::this_thread::sleep_for(50ms);  // nothing may arrive in this window
  EXPECT_EQ(published(stack), n1);
  EXPECT_EQ(control(stack, R"({"action":"stop"})", 200)["message"], "Simulator not running");
}

TEST(Control, TokensAndDefaults) {
  sim::options so;
  so.rate = 400;
  memory_stack stack(local_options(), so);
  const json started = control(stack, R"({"action":"start","tokens":["ONLY_ME"]})", 200);
  EXPECT_EQ(started["simulator"]["rate"], 400);  // SIM_RATE when messagesPerSecond is absent
  EXPECT_EQ(started["simulator"]["tokens"], 1);
  const auto records = consume(*stack.consumer, 50, 5s);
  ASSERT_EQ(records.size(), 50u);
  for (const consumed& r : records) EXPECT_EQ(r.key, "ONLY_ME");
  // Starting again changes nothing, as in the plan, and says so.
  const json again = control(stack, R"({"action":"start","messagesPerSecond":5})", 200);
  EXPECT_THAT(again["message"].get<std::string>(), HasSubstr("already running"));
  EXPECT_EQ(again["simulator"]["rate"], 400);
  control(stack, R"({"action":"stop"})", 200);
}

TEST(Control, BadRequestsAre400WithTheReason) {
  memory_stack stack;
  struct bad {
    std::string body, error, message;
  };
  const std::vector<bad> cases = {
      {R"({"action":"explode"})", "invalid_action", R"(Invalid action: "explode")"},
      {R"({"action":7})", "invalid_action", "must be"},
      {R"({})", "invalid_action", "must be"},
      {R"([1])", "invalid_body", "must be an object"},
      {R"({"action":"start","messagesPerSecond":0})", "invalid_rate", "above 0"},
      {R"({"action":"start","messagesPerSecond":-5})", "invalid_rate", "above 0"},
      {R"({"action":"start","messagesPerSecond":2000000})", "invalid_rate", "at most 1000000"},
      {R"({"action":"start","messagesPerSecond":"fast"})", "invalid_rate", "must be a number"},
      {R"({"action":"start","tokens":"BTC"})", "invalid_tokens", "array"},
      {R"({"action":"start","tokens":[]})", "invalid_tokens", "must not be empty"},
      {R"({"action":"start","tokens":["BTC","B.X"]})", "invalid_tokens", "tokens[1]"},
      {R"({"action":"start","tokens":[1]})", "invalid_tokens", "tokens[0] must be a string"},
  };
  for (const bad& c : cases) {
    SCOPED_TRACE(c.body);
    const json r = control(stack, c.body, 400);
    EXPECT_EQ(r["success"], false);
    EXPECT_EQ(r["error"], c.error);
    EXPECT_THAT(r["message"].get<std::string>(), HasSubstr(c.message));
  }
  EXPECT_FALSE(stack.simulator.running());
  EXPECT_EQ(stack.srv.stats().messages_published(), 0u);
}

}  // namespace
}  // namespace odin::publisher::testing
