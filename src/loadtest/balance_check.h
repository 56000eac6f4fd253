#pragma once
// Private balances (issue 9), checked from the client side: every event a client receives on a
// `<TOKEN>.balances` channel must name the client's own user, i.e. its data.userId must equal
// the sub of the token the client minted (client_token.h). Own events are counted (the
// balances benchmark's deliveries); any other one, including a balances event without a
// userId, is a foreign event: a violation, which must stay 0.
#include <cstdint>
#include <optional>
#include <string_view>

namespace odin::loadtest {

struct balance_counts {
  uint64_t own = 0;            // balances events naming the client's sub, any phase
  uint64_t own_in_window = 0;  // of those, events that entered the bus inside the window
  uint64_t foreign = 0;        // naming another user, or none: must be 0
  uint64_t unchecked = 0;      // to clients without a minted sub (--token, or no token)
  void merge(const balance_counts& o);
};

// "BTC.balances" (the `balances` kind, docs/protocol.md).
bool is_balances_channel(std::string_view channel);

// One balances event received by the client whose sub is `sub` (empty: not known, so not
// checked); `user`: the event's data.userId (nullopt when it has none).
void count_balance_event(balance_counts& c, std::string_view sub,
                         std::optional<std::string_view> user, bool in_window);

}  // namespace odin::loadtest
