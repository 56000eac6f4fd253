// The idempotency store: fresh / in flight / done, the window (injected clock), the bound
// (least recently used first), release.
#include <gtest/gtest.h>

#include "publisher/idempotency_store.h"

namespace odin::publisher {
namespace {

using namespace std::chrono_literals;
using seen = idempotency_store::seen;

struct fake_clock {
  idempotency_store::clock::time_point now{};
  idempotency_store::clock_fn fn() {
    return [this] { return now; };
  }
};

TEST(IdempotencyStore, AKeyIsClaimedThenInFlightThenReplayed) {
  fake_clock c;
  idempotency_store store(5min, 100, nullptr, c.fn());
  EXPECT_EQ(store.claim("r:a").state, seen::fresh);
  EXPECT_EQ(store.claim("r:a").state, seen::in_flight);
  EXPECT_EQ(store.claim("r:b").state, seen::fresh);  // another key is independent
  store.complete("r:a", {202, "first", {}});
  const auto again = store.claim("r:a");
  EXPECT_EQ(again.state, seen::done);
  EXPECT_EQ(again.first.status, 202);
  EXPECT_EQ(again.first.body, "first");
  EXPECT_EQ(store.peek("r:a"), seen::done);
  EXPECT_EQ(store.peek("r:zzz"), seen::fresh);
  EXPECT_EQ(store.size(), 2u);
}

TEST(IdempotencyStore, AKeyIsForgottenWhenItsWindowPassed) {
  fake_clock c;
  idempotency_store store(5min, 100, nullptr, c.fn());
  ASSERT_EQ(store.claim("k").state, seen::fresh);
  store.complete("k", {202, "x", {}});
  c.now += 5min - 1ms;
  EXPECT_EQ(store.claim("k").state, seen::done);
  c.now += 1ms;  // the window counts from first seen, not from the last repeat
  EXPECT_EQ(store.peek("k"), seen::fresh);
  EXPECT_EQ(store.claim("k").state, seen::fresh);  // claimed anew
  EXPECT_EQ(store.claim("k").state, seen::in_flight);
}

TEST(IdempotencyStore, BoundedLeastRecentlyUsedFirst) {
  fake_clock c;
  idempotency_store store(5min, 3, nullptr, c.fn());
  for (const char* k : {"a", "b", "c"}) {
    ASSERT_EQ(store.claim(k).state, seen::fresh);
    store.complete(k, {202, k, {}});
  }
  EXPECT_EQ(store.claim("a").state, seen::done);   // a is now the most recently used
  ASSERT_EQ(store.claim("d").state, seen::fresh);  // evicts b, the least recently used
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.peek("b"), seen::fresh);
  EXPECT_EQ(store.peek("a"), seen::done);
  EXPECT_EQ(store.peek("c"), seen::done);
  EXPECT_EQ(store.peek("d"), seen::in_flight);
}

TEST(IdempotencyStore, ReleaseForgetsAndLateCompletionsOfForgottenKeysAreIgnored) {
  fake_clock c;
  idempotency_store store(5min, 10, nullptr, c.fn());
  ASSERT_EQ(store.claim("k").state, seen::fresh);
  store.release("k");
  EXPECT_EQ(store.peek("k"), seen::fresh);
  store.complete("k", {202, "late", {}});  // nothing to complete: stays forgotten
  EXPECT_EQ(store.peek("k"), seen::fresh);
  EXPECT_EQ(store.size(), 0u);
}

}  // namespace
}  // namespace odin::publisher
