#pragma once
// Synthetic event payloads, one shape per event type, as docs/plan.md's generateEventData:
// {"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":<ms>,"price":..,...} (compact JSON).
// Used by the simulator and by the publisher's load generator.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "model/event_type.h"
#include "sim/options.h"

namespace odin::sim {

using rng = std::mt19937_64;

// User ids in payloads ("userId", "author", "creator", "from", "to") are "user1" ..
// "user<users>", uniform (SIM_USERS, sim/options.h; default_users is the plan's user1..user999).
// `token` must be a valid token id (model::validate_token): it is written without escaping.
// `users` must be at least 1.
std::string make_event(model::event_type type, std::string_view token, int64_t timestamp_ms,
                       rng& gen, int64_t users = default_users);

// Same, appended to `out` (reuse one buffer on hot loops).
void append_event(std::string& out, model::event_type type, std::string_view token,
                  int64_t timestamp_ms, rng& gen, int64_t users = default_users);

}  // namespace odin::sim
