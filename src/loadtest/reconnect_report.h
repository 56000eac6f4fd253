#pragma once
// What the reconnect scenario measured (reconnect_plan.h), a section of the report.
//
// Times are taken by the client, from the moment it drops its connection (t0):
// - to_subscribed: until the last `subscribed` reply of its resubscribe. The gateway sends it
//   once every "since" channel's gap is known and queued right behind it, so this is
//   "reconnect to subscribed with the gap filled" (the goal of issue 10).
// - to_replayed: until the last replayed frame arrived (the reply when nothing was missed).
//   Replayed frames are the events received after the reply that entered the bus before it.
// - to_live: until the first live frame — the first event that entered the bus after the
//   reply arrived (so it also includes waiting for the next event of the client's channels).
// Loss, duplicates and out-of-order events of reconnected clients are the run's sequence
// checks (the tracker keeps each channel's seq across the reconnect): a gap the replay did not
// fill is loss.
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "loadtest/latency_histogram.h"

namespace odin::loadtest {

struct reconnect_counts {
  bool enabled = false;
  uint64_t started = 0;       // connections dropped on purpose
  uint64_t resubscribed = 0;  // reconnected, every resubscribe confirmed
  uint64_t failed = 0;        // ended before that (connect, upgrade, refused, closed)
  // Why, per reason (they add up to `failed`): "connect: Connection refused", "http 503" (the
  // gateway's refusal of the upgrade: 503 guard/limit, 429 per-IP, 4xx), "closed by the server
  // while waiting for subscribed (1006: no close frame)", "timeout while connecting" ...
  std::map<std::string, uint64_t> failures;
  uint64_t skipped = 0;        // due while the client was not open (still reconnecting)
  uint64_t recovered = 0;      // channels answered recovered:true
  uint64_t not_recovered = 0;  // channels answered recovered:false
  uint64_t unnumbered = 0;     // events with seq 0 (replayed from the bus: taken as the next seq)
  latency_histogram to_subscribed;
  latency_histogram to_replayed;
  latency_histogram to_live;

  // The burst (--reconnect-burst): its clients' times to subscribed, and the delivery latency
  // of the clients NOT in the burst for events that entered the bus before it (from the
  // window's start) and during it (from its start to 1 s after its end).
  int64_t burst_start_us = 0;  // wall clock; 0: no burst
  int64_t burst_end_us = 0;
  uint64_t burst_clients = 0;
  latency_histogram burst_to_subscribed;
  latency_histogram others_before;
  latency_histogram others_during;

  void merge(const reconnect_counts& o);
};

nlohmann::json to_json(const reconnect_counts& r);
reconnect_counts reconnect_from_json(const nlohmann::json& j);  // throws nlohmann exceptions
// Lines for the final table ("" when the scenario was off).
std::string format_reconnects(const reconnect_counts& r);

}  // namespace odin::loadtest
