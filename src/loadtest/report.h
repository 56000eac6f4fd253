#pragma once
// The result of a load test run: what was asked, connections, events, latency, sequence
// checks and the server's resource use. Serialised as JSON (--report FILE); reports of several
// worker processes merge into one exactly (counts add, latency histograms merge bucket-wise).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "loadtest/balance_check.h"
#include "loadtest/latency_histogram.h"
#include "loadtest/reconnect_report.h"
#include "loadtest/sequence_tracker.h"

namespace odin::loadtest {

struct connection_counts {
  uint64_t target = 0;
  uint64_t attempted = 0;
  uint64_t established = 0;                       // WebSocket upgrade succeeded
  uint64_t subscribed = 0;                        // every subscribe request confirmed
  uint64_t failed = 0;                            // never established, or refused the subscription
  uint64_t open_at_end = 0;                       // still open when the run ended
  std::map<std::string, uint64_t> failures;       // reason → count ("http 503", "timeout" ...)
  std::map<uint16_t, uint64_t> closed_by_server;  // close code → count; 1006 = no close frame
  void merge(const connection_counts& o);
};

struct event_counts {
  uint64_t received = 0;        // events that entered the bus inside the window (ts in it)
  uint64_t received_all = 0;    // every event frame received, any phase
  uint64_t replies = 0;         // non-event server messages (subscribed, pong ...)
  uint64_t request_errors = 0;  // error replies to our requests
  uint64_t wire_bytes = 0;      // bytes read from the sockets, any phase (compressed as sent)
  uint64_t inflated = 0;        // permessage-deflate messages inflated (--compression)
  sequence_counts seq;
  balance_counts balances;  // balances channels' events: own / foreign (balance_check.h)
  void merge(const event_counts& o);
};

// Resource use of the processes given with --server-pid, from /proc (summed over them).
struct process_usage {
  std::vector<int> pids;
  double cpu_seconds = 0;      // utime + stime spent inside the window
  uint64_t rss_before_kb = 0;  // before the first connection
  uint64_t rss_start_kb = 0;   // at the start of the window
  uint64_t rss_end_kb = 0;     // at the end of the window
};

struct report {
  std::string protocol;
  std::string server;
  uint64_t workers = 1;
  int64_t window_start_us = 0;  // wall clock, µs since the epoch
  int64_t window_end_us = 0;
  connection_counts connections;
  event_counts events;
  latency_histogram latency;      // µs, events of the window
  process_usage server_usage;     // empty pids when not measured
  double client_cpu_seconds = 0;  // the load tester itself (all workers)
  uint64_t client_rss_kb = 0;     // the load tester itself at the end (sum over workers)
  reconnect_counts reconnects;    // the reconnect scenario (enabled = false when off)

  double window_seconds() const { return (window_end_us - window_start_us) / 1e6; }
  double events_per_second() const;
  double own_balances_per_second() const;  // own balances events of the window per second
  uint64_t loss() const { return events.seq.loss(); }

  // Adds a worker's report: counts add, the window spans both, histograms merge. Server usage
  // is kept from whichever report has it (workers don't measure it; the parent does).
  void merge(const report& other);
};

nlohmann::json to_json(const report& r);
report report_from_json(const nlohmann::json& j);  // throws nlohmann::json::exception

// The final table (several lines) for a terminal.
std::string format_table(const report& r);

}  // namespace odin::loadtest
