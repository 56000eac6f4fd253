#pragma once
// --workers N: forks N load-tester processes (needed past one process's open-file limit,
// ~19.9k connections here). Child i drives its share of the clients (indices first_client..,
// ramp rate / N) and talks to the parent over two pipes, one JSON object per line:
//   child → parent  {"live":{counters + latency buckets of the last second}}
//                   {"ready":true}            every connection set up (or failed)
//                   {"report":{...}}          its final report
//   parent → child  "go <start_us> <end_us>\n" the common measurement window
// The parent waits until every child is ready, starts the same wall-clock window in all,
// samples --server-pid, prints one combined live line per second and merges the reports.
// Every wait is bounded; a child that overruns is killed (SIGKILL, its pid only).
#include "loadtest/options.h"
#include "loadtest/report.h"

namespace odin::loadtest {

report run_worker_pool(const options& o);

}  // namespace odin::loadtest
