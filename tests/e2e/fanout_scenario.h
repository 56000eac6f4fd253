#pragma once
// The end-to-end fan-out scenario shared by the embedded-bus and Kafka suites: several real
// WebSocket clients with different subscriptions (bundles, explicit channels, overlapping,
// unsubscribe mid-stream) against events of all 23 types (8 kinds) for several tokens.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/event_type.h"

namespace odin::test {

// Publishes one event (key = token, value = JSON) of the kind of `type`; returns once the bus
// acknowledged it (true) or failed (false).
using publish_fn =
    std::function<bool(model::event_type type, const std::string& token, const std::string& value)>;

// A received event frame, split into its parts.
struct received_event {
  std::string channel;
  uint64_t seq = 0;
  int64_t ts = 0;
  std::string pos;   // the opaque stream position
  std::string data;  // the "data" member's raw JSON text
};

// Parses {"type":"event","channel":...,"seq":...,"ts":...,"pos":...,"data":<raw>...}; false if
// not an event. Members after "data" (snapshot, conflated) are not part of `data`.
bool parse_event_frame(const std::string& frame, received_event& out);

// The value the scenario publishes for (type, token, n): the plan's (docs/plan.md) event shape.
std::string scenario_value(model::event_type type, const std::string& token, int n);

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// Waits until GET /health on 127.0.0.1:port answers 200 (a process that is still starting
// refuses connections: retried).
bool wait_healthy(uint16_t port, std::chrono::milliseconds timeout);

// Runs the whole scenario against a gateway on `port`, publishing through `publish`.
// Reports failures through gtest assertions.
void run_fanout_scenario(uint16_t port, const publish_fn& publish,
                         std::chrono::milliseconds delivery_deadline);

}  // namespace odin::test
