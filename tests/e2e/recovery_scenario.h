#pragma once
// The multi-instance recovery scenarios (issue 10) shared by the embedded-bus and Kafka suites:
// stream positions equal on every instance, reconnect with "since" to another instance and to
// one started after the gap, a producer hammering the channel during the replay, positions the
// bus no longer has, garbage positions, snapshots.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "e2e/fanout_scenario.h"

namespace odin::test {

struct instance_settings {
  std::size_t history_size = 100;  // 0: every since is served from the bus
  std::size_t recovery_max_events = 1000;
};

struct recovery_env {
  // Starts one more gateway instance reading the same bus; returns its port once it is ready
  // (every record published afterwards reaches it). Instances live until the test ends.
  std::function<uint16_t(const instance_settings&)> start_instance;
  publish_fn publish;
};

// A connected client's view: subscribe (optionally with since / snapshot) and read.
struct received {
  std::string reply;                   // the subscribed / error reply
  std::vector<received_event> events;  // events after it, in arrival order
  std::vector<std::string> raw;        // the same events as sent
};

// Publishes "<token>.trade" events numbered from `first` (n of them): value {"n":...}.
std::vector<std::string> publish_numbered(const recovery_env& env, const std::string& token,
                                          int first, int count);

void scenario_same_position_on_every_instance(const recovery_env& env);
void scenario_reconnect_to_any_instance(const recovery_env& env);
void scenario_no_gap_no_duplicate_under_load(const recovery_env& env, std::size_t history_size);
void scenario_not_recovered(const recovery_env& env);  // another epoch, past max events
void scenario_invalid_position(const recovery_env& env);
void scenario_snapshot(const recovery_env& env);
// An instance started after the events (empty history) finds the snapshot in the bus.
void scenario_snapshot_from_the_bus(const recovery_env& env);

}  // namespace odin::test
