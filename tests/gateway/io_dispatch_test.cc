// Where the bus is read (src/gateway/io_dispatch.h): with one I/O thread the dispatcher's work
// runs on it (no dispatcher thread, no inbox, the bus never paused); WS_DISPATCH=thread and
// two shards keep the dispatcher thread. Every subscriber gets every record, in order, either
// way. Threads are counted in /proc/self/task around gateway::start().
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gateway/gateway_fixture.h"

namespace odin::gateway::test {
namespace {

using model::kind;
using namespace std::chrono_literals;

std::size_t thread_count() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

struct dispatch_case {
  unsigned io_threads;
  dispatch_mode mode;
  std::size_t new_threads;  // shards + the dispatcher thread, if any
  const char* name;
};

class IoDispatchFlow : public gateway_fixture,
                       public ::testing::WithParamInterface<dispatch_case> {};

TEST_P(IoDispatchFlow, EverySubscriberGetsEveryRecordInOrder) {
  const dispatch_case c = GetParam();
  options o = test_options();
  o.io_threads = c.io_threads;
  o.dispatch = c.mode;
  const std::size_t before = thread_count();
  start(o);
  EXPECT_EQ(thread_count() - before, c.new_threads);

  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(connect_client());
    ASSERT_EQ(request(*clients.back(), R"({"type":"subscribe","channels":["BTC.trade"]})")["type"],
              "subscribed");
  }
  constexpr int total = 3000;  // several full batches (dispatcher::max_batch)
  for (int i = 0; i < total; ++i) push(kind::trade, "BTC", R"({"n":)" + std::to_string(i) + "}");
  const std::string last = history_.back().text;
  const auto want = expected({"BTC.trade"}, 0, history_.size() - 1);
  for (auto& client : clients) {
    bool complete = false;
    const auto got = client->read_until(last, complete, 30s);
    EXPECT_TRUE(complete);
    EXPECT_TRUE(got == want) << got.size() << " of " << want.size();
  }
  EXPECT_EQ(consumer_.poll_threads(), 1u) << "one thread reads the bus";
  EXPECT_TRUE(wait_metric("ws_broadcasts_total", total));
  if (c.io_threads == 1 && c.mode == dispatch_mode::automatic) {
    EXPECT_EQ(consumer_.pauses(), 0) << "no inbox: the bus is never paused";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Modes, IoDispatchFlow,
    ::testing::Values(dispatch_case{1, dispatch_mode::automatic, 1, "OneShardOnTheIoThread"},
                      dispatch_case{1, dispatch_mode::thread, 2, "OneShardDispatcherThread"},
                      dispatch_case{2, dispatch_mode::automatic, 3, "TwoShards"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace odin::gateway::test
