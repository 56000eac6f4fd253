// The tally (duplicates, lost) and the verdict: each threshold and count can fail the run.
#include <gtest/gtest.h>

#include <sstream>

#include "verify/report.h"

namespace odin::verify {
namespace {

TEST(RunStats, ChecksOffDuplicatesAndLost) {
  run_stats s;
  EXPECT_TRUE(s.check_off(0));
  EXPECT_TRUE(s.check_off(2));
  EXPECT_FALSE(s.check_off(2));
  EXPECT_TRUE(s.check_off(1000));
  EXPECT_EQ(s.ours, 3u);
  EXPECT_EQ(s.duplicates, 1u);
  EXPECT_EQ(s.lost(5, {}), 3u);       // 1, 3, 4
  EXPECT_EQ(s.lost(5, {3, 4}), 1u);   // failed deliveries are not lost
  EXPECT_EQ(s.lost(1001, {}), 998u);  // all but 0, 2 and 1000
}

// A run of 100k records over 1 s with every latency `latency_us`.
run_result run_of(int64_t latency_us) {
  run_result r;
  r.topic = "market-telemetry";
  r.produced = r.acked = 100'000;
  r.first_produce_us = 1'000'000;
  r.last_produce_us = 2'000'000;
  for (uint64_t i = 0; i < r.produced; ++i) {
    r.consumer.check_off(i);
    r.consumer.latency_us.record(latency_us);
  }
  r.consumer.consumed = r.consumer.valid = r.produced;
  r.consumer.first_consume_us = r.first_produce_us + latency_us;
  r.consumer.last_consume_us = r.last_produce_us + latency_us;
  return r;
}

bool passed(const verdict& v, const std::string& name) {
  for (const check& c : v.checks) {
    if (c.name == name) return c.pass;
  }
  ADD_FAILURE() << "no check " << name;
  return false;
}

TEST(Verdict, PassesWithinThresholds) {
  const run_result r = run_of(2'000);
  const measured m = measure(r);
  EXPECT_NEAR(m.avg_ms, 2.0, 0.05);
  EXPECT_NEAR(m.throughput, 100'000 / 1.002, 1);
  const verdict v = judge(r, thresholds{50, 100, 90'000});
  EXPECT_TRUE(v.pass);
  std::ostringstream out;
  print_report(out, r, v);
  EXPECT_NE(out.str().find("\nPASS\n"), std::string::npos) << out.str();
  const auto j = report_json(r, v, thresholds{50, 100, 90'000});
  EXPECT_EQ(j["result"], "PASS");
  EXPECT_EQ(j["consumer"]["ours"], 100'000);
  EXPECT_EQ(j["thresholds"]["minThroughput"], 90'000.0);
}

TEST(Verdict, EachThresholdFails) {
  const run_result slow = run_of(60'000);
  verdict v = judge(slow, thresholds{50, 100, 1});
  EXPECT_FALSE(v.pass);
  EXPECT_FALSE(passed(v, "p2c_avg_ms"));
  EXPECT_TRUE(passed(v, "p2c_p99_ms"));
  v = judge(run_of(2'000), thresholds{50, 1, 1});
  EXPECT_FALSE(v.pass);
  EXPECT_FALSE(passed(v, "p2c_p99_ms"));
  v = judge(run_of(2'000), thresholds{50, 100, 100'000});  // 99.8k/s
  EXPECT_FALSE(v.pass);
  EXPECT_FALSE(passed(v, "throughput_msgs"));
  std::ostringstream out;
  print_report(out, run_of(2'000), v);
  EXPECT_NE(out.str().find("FAIL  "), std::string::npos);
  EXPECT_NE(out.str().find("\nFAIL\n"), std::string::npos);
}

TEST(Verdict, LossDuplicatesInvalidAndRefusedFail) {
  const thresholds easy{1e6, 1e6, 0};
  run_result r = run_of(1'000);
  r.lost = 1;
  EXPECT_FALSE(passed(judge(r, easy), "lost"));
  r = run_of(1'000);
  r.consumer.check_off(5);
  EXPECT_FALSE(passed(judge(r, easy), "duplicates"));
  r = run_of(1'000);
  r.consumer.count_invalid(invalid_reason::trailing_bytes);
  EXPECT_FALSE(passed(judge(r, easy), "invalid"));
  std::ostringstream out;
  print_report(out, r, judge(r, easy));
  EXPECT_NE(out.str().find("[trailing_bytes 1]"), std::string::npos) << out.str();
  r = run_of(1'000);
  r.produce_failed = 2;
  EXPECT_FALSE(judge(r, easy).pass);
}

TEST(Verdict, NoSamplesIsNoPass) {
  run_result r;
  r.produced = 10;
  EXPECT_FALSE(judge(r, thresholds{1e6, 1e6, 0}).pass);
}

}  // namespace
}  // namespace odin::verify
