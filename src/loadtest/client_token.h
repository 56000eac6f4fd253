#pragma once
// Access tokens for load-test clients (issue 9): an HS256 JWT minted per client (client_sub)
// from --jwt-secret, or one fixed --token, put on the upgrade URL as ?token= (what browsers
// do). The loadtest signs; only the gateway verifies.
#include <cstdint>
#include <string>
#include <string_view>

#include "loadtest/options.h"

namespace odin::loadtest {

// The sub of client `index`'s minted token: "user-<index>", or with --users N (o.users > 0)
// "user<1 + index % N>", the simulator's user ids (SIM_USERS=N gives user1 .. userN).
std::string client_sub(const options& o, std::size_t index);

// A compact HS256 JWT {"sub":sub,"exp":exp}.
std::string mint_hs256(std::string_view secret, std::string_view sub, int64_t exp);

// `target` with ?token= (or &token=) for client `index`: unchanged when the options give no
// token, the fixed token, or one minted now with exp = now + o.token_ttl_s.
std::string target_for_client(const options& o, std::string_view target, std::size_t index);

}  // namespace odin::loadtest
