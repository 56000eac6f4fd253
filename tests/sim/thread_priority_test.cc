// The simulator's thread yields to the gateway: SCHED_BATCH and nice 10, observed from inside
// produce() (the simulator's own thread), while the thread that started it keeps its priority.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "bus/producer.h"
#include "sim/simulator.h"
#include "sim/thread_priority.h"

namespace odin::sim {
namespace {

using namespace std::chrono_literals;

int thread_nice() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}

class observing_producer : public bus::producer {
 public:
  void produce(model::kind, std::string_view, std::string_view, completion done) override {
    if (!seen_.exchange(true)) {
      policy_.store(sched_getscheduler(0));
      nice_.store(thread_nice());
    }
    done(bus::delivery{0, 0});
  }
  std::size_t flush(std::chrono::milliseconds) override { return 0; }
  bool seen() const { return seen_.load(); }
  int policy() const { return policy_.load(); }
  int nice() const { return nice_.load(); }

 private:
  std::atomic<bool> seen_{false};
  std::atomic<int> policy_{-1}, nice_{-100};
};

TEST(ThreadPriority, LowersTheCallingThreadOnly) {
  const int main_nice = thread_nice();
  const int main_policy = sched_getscheduler(0);
  priority_outcome outcome;
  int policy = -1, nice = -100;
  std::thread t([&] {
    outcome = lower_current_thread_priority();
    policy = sched_getscheduler(0);
    nice = thread_nice();
  });
  t.join();
  EXPECT_TRUE(outcome.batch);
  EXPECT_TRUE(outcome.niced);
  EXPECT_EQ(outcome.describe(), "SCHED_BATCH, nice 10");
  EXPECT_EQ(policy, SCHED_BATCH);
  EXPECT_GE(nice, background_nice);
  EXPECT_EQ(thread_nice(), main_nice) << "the caller's thread is untouched";
  EXPECT_EQ(sched_getscheduler(0), main_policy);
}

TEST(ThreadPriority, TheSimulatorThreadRunsInTheBackground) {
  const int main_nice = thread_nice();
  observing_producer producer;
  simulator sim(producer);
  ASSERT_TRUE(sim.start(200.0, {"BTC"}));
  for (int i = 0; i < 400 && !producer.seen(); ++i) std::this_thread::sleep_for(5ms);
  sim.stop();
  ASSERT_TRUE(producer.seen());
  EXPECT_EQ(producer.policy(), SCHED_BATCH);
  EXPECT_GE(producer.nice(), background_nice);
  EXPECT_TRUE(sim.snapshot().background);
  EXPECT_EQ(thread_nice(), main_nice);
}

}  // namespace
}  // namespace odin::sim
