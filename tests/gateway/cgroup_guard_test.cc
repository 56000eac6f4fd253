// The guard under a container's limits: cgroup v2 cpu.max / memory.max read from fake files
// (the cgroup root and /proc/self/cgroup are injected), WS_CPU_LIMIT / WS_MEMORY_LIMIT first.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gateway/cgroup_limits.h"
#include "gateway/resource_guard.h"

namespace odin::gateway {
namespace {

namespace fs = std::filesystem;

TEST(CgroupLimits, ParsesTheFiles) {
  EXPECT_EQ(parse_cpu_max("200000 100000\n"), 2.0);
  EXPECT_EQ(parse_cpu_max("50000 100000"), 0.5);
  EXPECT_EQ(parse_cpu_max("max 100000\n"), std::nullopt);
  EXPECT_EQ(parse_cpu_max(""), std::nullopt);
  EXPECT_EQ(parse_cpu_max("100000 0"), std::nullopt);
  EXPECT_EQ(parse_memory_max("1073741824\n"), 1073741824u);
  EXPECT_EQ(parse_memory_max("max\n"), std::nullopt);
  EXPECT_EQ(parse_memory_max("12k"), std::nullopt);
  EXPECT_EQ(parse_cgroup_v2_path("0::/\n"), "/");
  EXPECT_EQ(parse_cgroup_v2_path("12:memory:/x\n1:cpu:/y\n0::/system.slice/odin.service\n"),
            "/system.slice/odin.service");
  EXPECT_EQ(parse_cgroup_v2_path("4:memory:/docker/abc\n"), std::nullopt) << "v1 only";
}

class FakeCgroup : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("odin-cgroup-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const fs::path& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }
  options opts() const {
    options o;
    o.cgroup_root = root_.string();
    o.proc_self_cgroup = (root_ / "proc_self_cgroup").string();
    return o;
  }

  fs::path root_;
};

TEST_F(FakeCgroup, ADockerCpusLimitAndMemLimitAreWhatTheGuardMeasuresAgainst) {
  write("proc_self_cgroup", "0::/\n");  // a container with its own cgroup namespace
  write("cpu.max", "50000 100000\n");   // cpus: "0.5"
  write("memory.max", "1073741824\n");  // mem_limit: 1g
  const guard_limits l = resolve_guard_limits(opts());
  EXPECT_DOUBLE_EQ(l.cpu_cores, 0.5);
  EXPECT_EQ(l.cpu_source, "cgroup cpu.max");
  EXPECT_EQ(l.memory_bytes, static_cast<uint64_t>(1073741824 * cgroup_memory_share));
  EXPECT_EQ(l.memory_source, "90% of cgroup memory.max");

  // Half a core busy is 100 % of the quota: above a 75 % threshold, refused. Measured over
  // the affinity mask of a many-core host it would have read low and never refused.
  resource_guard g(l);
  const uint64_t tck = static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
  g.update_own(0, 1000.0, 100);
  g.update_own(tck / 2, 1001.0, 100);  // half a core busy for 1 s: 100 % of the quota
  EXPECT_EQ(g.check(), resource_guard::verdict::cpu);
  EXPECT_NEAR(g.cpu(), 100.0, 1.0);
  g.update_own(tck / 2 + tck / 10, 1002.0, 100);  // a tenth of a core: 20 %
  EXPECT_EQ(g.check(), resource_guard::verdict::ok);
  EXPECT_NEAR(g.cpu(), 20.0, 1.0);
  g.update_own(tck / 2 + tck / 10 + tck / 20, 1003.0, l.memory_bytes + 1);  // 10 %
  EXPECT_EQ(g.check(), resource_guard::verdict::memory);
}

TEST_F(FakeCgroup, TheTightestAncestorWinsAndMaxMeansNoLimit) {
  write("proc_self_cgroup", "0::/kubepods/pod1/ctr\n");
  write("kubepods/cpu.max", "800000 100000\n");
  write("kubepods/pod1/cpu.max", "150000 100000\n");
  write("kubepods/pod1/ctr/cpu.max", "max 100000\n");
  write("kubepods/memory.max", "max\n");
  write("kubepods/pod1/ctr/memory.max", "536870912\n");
  write("kubepods/pod1/memory.max", "1073741824\n");
  const cgroup_limits cg = read_cgroup_limits(opts().cgroup_root, opts().proc_self_cgroup);
  EXPECT_EQ(cg.cgroup, "/kubepods/pod1/ctr");
  EXPECT_EQ(cg.cpu_cores, 1.5);
  EXPECT_EQ(cg.memory_bytes, 536870912u);
}

TEST_F(FakeCgroup, ExplicitSettingsComeFirstAndNoCgroupMeansDefaults) {
  write("proc_self_cgroup", "0::/\n");
  write("cpu.max", "50000 100000\n");
  write("memory.max", "1073741824\n");
  options o = opts();
  o.cpu_limit_cores = 3;               // WS_CPU_LIMIT=3
  o.memory_limit_bytes = 64ull << 20;  // WS_MEMORY_LIMIT=64MiB
  guard_limits l = resolve_guard_limits(o);
  EXPECT_EQ(l.cpu_cores, 3);
  EXPECT_EQ(l.cpu_source, "WS_CPU_LIMIT");
  EXPECT_EQ(l.memory_bytes, 64ull << 20);
  EXPECT_EQ(l.memory_source, "WS_MEMORY_LIMIT");

  write("proc_self_cgroup", "1:cpu:/\n");  // cgroup v1 only: nothing to read
  l = resolve_guard_limits(opts());
  EXPECT_EQ(l.cpu_cores, 0);
  EXPECT_EQ(l.cpu_source, "affinity mask");
  EXPECT_EQ(l.memory_bytes, default_memory_limit);
  EXPECT_EQ(l.memory_source, "default");

  // WS_CPU_LIMIT=1 (docs/plan.md's .env): 0.8 of a core busy is 80 % whatever the host has.
  resource_guard g(75.0, default_memory_limit, 1.0);
  const uint64_t tck = static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
  g.update_own(0, 50.0, 1);
  g.update_own(tck * 8 / 10, 51.0, 1);
  EXPECT_NEAR(g.cpu(), 80.0, 1.0);
  EXPECT_EQ(g.check(), resource_guard::verdict::cpu);
}

TEST_F(FakeCgroup, AQuotaAboveTheAffinityMaskCountsTheCpus) {
  write("proc_self_cgroup", "0::/\n");
  write("cpu.max", "100000000 100000\n");  // 1000 cores
  const guard_limits l = resolve_guard_limits(opts());
  EXPECT_GE(l.cpu_cores, 1);
  EXPECT_LE(l.cpu_cores, 1024);
  EXPECT_LT(l.cpu_cores, 1000);
}

}  // namespace
}  // namespace odin::gateway
