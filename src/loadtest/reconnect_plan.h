#pragma once
// The reconnect scenario's schedule and messages. Which client reconnects when is decided up
// front from the options and the seed, so a run is repeatable:
// - periodic: at every multiple of --reconnect-every inside the window, --reconnect-percent %
//   of this process's clients (drawn at random, seeded) drop their connection and reconnect;
// - burst: once, at --reconnect-burst-at seconds into the window (default: its middle),
//   --reconnect-burst clients (split over processes with --workers; drawn at random) reconnect,
//   spread evenly over --reconnect-burst-within seconds.
// A reconnect resubscribes the client's channels with "since" = the last `pos` it saw on each
// (docs/protocol.md section 4.1).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "loadtest/options.h"

namespace odin::loadtest {

struct reconnect_at {
  double at_s = 0;         // seconds after the window's start
  std::size_t client = 0;  // position among this process's clients (launch order)
  bool burst = false;
};

// Empty when the options ask for no reconnects; sorted by time.
std::vector<reconnect_at> plan_reconnects(const options& o, std::size_t clients);

// The burst's start and end, seconds after the window's start (when there is a burst).
std::pair<double, double> burst_span(const options& o);

// "" when the reconnect options are usable; else what is wrong (for a flag error).
std::string check_reconnect_options(const options& o);

// The subscribe requests of a reconnect: channels mode, at most 100 channels each, "since"
// with the channels that have a position. `positions` pairs a channel with its last pos.
std::vector<std::string> resubscribe_requests(
    const std::vector<std::string>& channels,
    const std::vector<std::pair<std::string, std::string>>& positions);

}  // namespace odin::loadtest
