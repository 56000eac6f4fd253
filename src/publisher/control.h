#pragma once
// POST /control, as docs/plan.md's control endpoint: {"action":"start","messagesPerSecond":N,
// "tokens":["BTC",..]?} starts the simulator (rate default: the configured SIM_RATE; tokens
// default: SIM_TOKENS), {"action":"stop"} stops it. Starting a running simulator changes
// nothing and says so (stop it first to change the rate), like the plan. 400 for an unknown
// action, a bad rate (not a number in (0, 1000000]) or a bad token list.
// Runs on an I/O thread; stopping joins the simulator's thread (at most one pacing step).
#include <string_view>

#include <simdjson.h>

#include "publisher/replies.h"
#include "sim/simulator.h"

namespace odin::publisher {

answer handle_control(std::string_view body, sim::simulator& simulator,
                      simdjson::dom::parser& parser);

}  // namespace odin::publisher
