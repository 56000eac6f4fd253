#pragma once
// Runs a whole load test: raises the file limit, drives the connections in this process or in
// options.workers forked processes (each target/N connections, the same wall-clock window,
// reports merged), samples the --server-pid processes from /proc, prints the live line each
// second and returns the report. Also the pass/fail checks for CI.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loadtest/engine.h"
#include "loadtest/options.h"
#include "loadtest/report.h"

namespace odin::loadtest {

// Throws std::invalid_argument for bad options (before any connection is made).
report run(const options& o);

struct checks {
  std::optional<uint64_t> expect_events;  // at least this many events in the window
  std::optional<uint64_t> max_loss;       // loss; and then no duplicate / out-of-order either
  std::optional<uint64_t> max_failed;     // connections that failed to set up
};
// One line per violated check (empty: passed). Foreign balances events (balance_check.h) are
// always a violation.
std::vector<std::string> violations(const report& r, const checks& c);

// "[  12.0s] connected 980/1000 failed 0 closed 0 | 61234 ev/s | p50 0.412 ms p99 1.903 ms"
std::string format_live(const live_sample& s, double events_per_s);

}  // namespace odin::loadtest
