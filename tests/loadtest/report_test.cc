#include "loadtest/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace odin::loadtest {
namespace {

report sample_report(uint64_t scale) {
  report r;
  r.protocol = "odin";
  r.server = "ws://127.0.0.1:3002/ws";
  r.window_start_us = 1'000'000 * scale;
  r.window_end_us = r.window_start_us + 10'000'000;
  r.connections.target = 100 * scale;
  r.connections.attempted = 100 * scale;
  r.connections.established = 98 * scale;
  r.connections.subscribed = 97 * scale;
  r.connections.failed = 3 * scale;
  r.connections.open_at_end = 95 * scale;
  r.connections.failures["http 503"] = 2 * scale;
  r.connections.closed_by_server[4008] = scale;
  r.connections.closed_by_server[1006] = scale;
  r.events.received = 5000 * scale;
  r.events.received_all = 5100 * scale;
  r.events.replies = 97 * scale;
  r.events.seq.gaps = 2 * scale;
  r.events.seq.tail_loss = scale;
  r.events.seq.duplicates = scale;
  r.events.seq.out_of_order = 4 * scale;
  for (uint64_t i = 1; i <= 1000; ++i) r.latency.record(static_cast<int64_t>(i * scale));
  r.client_cpu_seconds = 1.5;
  r.client_rss_kb = 1000;
  return r;
}

TEST(Report, JsonRoundTripKeepsEverything) {
  report r = sample_report(1);
  r.server_usage.pids = {42};
  r.server_usage.cpu_seconds = 2.25;
  r.server_usage.rss_before_kb = 1000;
  r.server_usage.rss_end_kb = 3000;
  const nlohmann::json j = to_json(r);
  EXPECT_EQ(j["events"]["loss"], 3);
  EXPECT_EQ(j["latency_us"]["p50"],
            latency_histogram::bucket_high(latency_histogram::bucket_of(500)));
  EXPECT_EQ(j["latency_us"]["max"], 1000);
  EXPECT_EQ(j["connections"]["closed_by_server"]["4008"], 1);
  EXPECT_DOUBLE_EQ(j["events"]["per_second"].get<double>(), 500.0);
  EXPECT_NEAR(j["server_usage"]["rss_per_connection_bytes"].get<double>(), 2000.0 * 1024 / 98,
              1e-6);

  const report back = report_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(to_json(back), j);
  EXPECT_EQ(back.latency.percentile(99), r.latency.percentile(99));
  EXPECT_EQ(back.connections.closed_by_server.at(1006), 1u);
}

TEST(Report, MergeAddsCountsAndMergesHistograms) {
  report a = sample_report(1);
  const report b = sample_report(2);
  a.merge(b);
  EXPECT_EQ(a.connections.target, 300u);
  EXPECT_EQ(a.connections.established, 294u);
  EXPECT_EQ(a.connections.failures.at("http 503"), 6u);
  EXPECT_EQ(a.connections.closed_by_server.at(4008), 3u);
  EXPECT_EQ(a.events.received, 15000u);
  EXPECT_EQ(a.loss(), 9u);
  EXPECT_EQ(a.events.seq.duplicates, 3u);
  EXPECT_EQ(a.latency.count(), 2000u);
  EXPECT_EQ(a.latency.max(), 2000u);
  EXPECT_EQ(a.window_start_us, 1'000'000);  // the window spans both
  EXPECT_EQ(a.window_end_us, 12'000'000);
  EXPECT_DOUBLE_EQ(a.client_cpu_seconds, 3.0);
}

TEST(Report, TableNamesTheNumbers) {
  const std::string t = format_table(sample_report(1));
  EXPECT_NE(t.find("loss (gaps + tail)"), std::string::npos) << t;
  EXPECT_NE(t.find("3 (2 + 1)"), std::string::npos) << t;
  EXPECT_NE(t.find("1×4008"), std::string::npos) << t;
  EXPECT_NE(t.find("http 503: 2"), std::string::npos) << t;
}

}  // namespace
}  // namespace odin::loadtest
