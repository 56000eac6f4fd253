// WS_IO_THREADS=0 (auto): the affinity mask and the cgroup v2 quota decide, read from fake
// cgroup files (the cgroup root and /proc/self/cgroup are parameters).
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gateway/io_thread_count.h"

namespace odin::gateway {
namespace {

namespace fs = std::filesystem;

TEST(IoThreadPlan, AutoTakesTheAffinityMaskWhenThereIsNoQuota) {
  const auto p = plan_io_threads(0, 4, std::nullopt);
  EXPECT_EQ(p.threads, 4u);
  EXPECT_EQ(p.describe(), "io threads 4 (affinity 4 cpus, cgroup quota none)");
  EXPECT_EQ(plan_io_threads(0, 1, std::nullopt).describe(),
            "io threads 1 (affinity 1 cpu, cgroup quota none)");
}

TEST(IoThreadPlan, AQuotaRoundsDownAndNeverBelowOne) {
  EXPECT_EQ(plan_io_threads(0, 8, 2.0).threads, 2u);
  EXPECT_EQ(plan_io_threads(0, 8, 1.5).threads, 1u);
  EXPECT_EQ(plan_io_threads(0, 8, 0.25).threads, 1u);
  EXPECT_EQ(plan_io_threads(0, 2, 6.0).threads, 2u) << "the mask caps a larger quota";
  EXPECT_EQ(plan_io_threads(0, 8, 1.5).describe(),
            "io threads 1 (affinity 8 cpus, cgroup quota 1.50 cores)");
  EXPECT_EQ(plan_io_threads(0, 0, std::nullopt).threads, 1u);
}

TEST(IoThreadPlan, AnExplicitCountWinsAndSaysSo) {
  const auto p = plan_io_threads(3, 1, 0.5);
  EXPECT_EQ(p.threads, 3u);
  EXPECT_TRUE(p.configured);
  EXPECT_EQ(p.describe(),
            "io threads 3 (WS_IO_THREADS=3; affinity 1 cpu, cgroup quota 0.50 cores)");
}

class FakeCgroupThreads : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("odin-iothreads-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const fs::path& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }
  io_thread_plan resolve(unsigned configured = 0) const {
    return resolve_io_threads(configured, root_.string(), (root_ / "self").string());
  }
  fs::path root_;
};

TEST_F(FakeCgroupThreads, TheTightestQuotaOfTheCgroupAndItsAncestorsApplies) {
  const unsigned mask = affinity_cpu_count();
  write("self", "0::/kubepods/pod1/odin\n");
  write("kubepods/cpu.max", "max 100000\n");
  write("kubepods/pod1/cpu.max", "100000 100000\n");  // 1 core for the pod
  write("kubepods/pod1/odin/cpu.max", "300000 100000\n");
  const auto p = resolve();
  EXPECT_EQ(p.threads, 1u);
  ASSERT_TRUE(p.quota_cores.has_value());
  EXPECT_DOUBLE_EQ(*p.quota_cores, 1.0);
  EXPECT_EQ(p.affinity_cpus, mask);
}

TEST_F(FakeCgroupThreads, NoQuotaAndNoV2CgroupFallBackToTheAffinityMask) {
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  const auto mask = static_cast<unsigned>(CPU_COUNT(&set));
  write("self", "0::/\n");
  write("cpu.max", "max 100000\n");
  EXPECT_EQ(resolve().threads, mask);
  EXPECT_FALSE(resolve().quota_cores.has_value());
  write("self", "4:cpu:/docker/abc\n");  // cgroup v1 only
  EXPECT_EQ(resolve().threads, mask);
}

TEST_F(FakeCgroupThreads, TheAffinityMaskIsWhatSchedGetaffinitySays) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
  int first = -1;
  for (int c = 0; c < CPU_SETSIZE && first < 0; ++c) {
    if (CPU_ISSET(c, &saved)) first = c;
  }
  ASSERT_GE(first, 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);  // this (main) thread only
  write("self", "0::/\n");
  const auto p = resolve();
  ASSERT_EQ(sched_setaffinity(0, sizeof saved, &saved), 0);
  EXPECT_EQ(p.affinity_cpus, 1u);
  EXPECT_EQ(p.threads, 1u);
  EXPECT_EQ(p.describe(), "io threads 1 (affinity 1 cpu, cgroup quota none)");
}

}  // namespace
}  // namespace odin::gateway
