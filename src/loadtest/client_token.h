#pragma once
// Access tokens for load-test clients (issue 9): an HS256 JWT minted per client (sub
// "user-<client index>") from --jwt-secret, or one fixed --token, put on the upgrade URL as
// ?token= (what browsers do). The loadtest signs; only the gateway verifies.
#include <cstdint>
#include <string>
#include <string_view>

#include "loadtest/options.h"

namespace odin::loadtest {

// "user-<index>": the sub of client `index`'s minted token.
std::string client_sub(std::size_t index);

// A compact HS256 JWT {"sub":sub,"exp":exp}.
std::string mint_hs256(std::string_view secret, std::string_view sub, int64_t exp);

// `target` with ?token= (or &token=) for client `index`: unchanged when the options give no
// token, the fixed token, or one minted now with exp = now + o.token_ttl_s.
std::string target_for_client(const options& o, std::string_view target, std::size_t index);

}  // namespace odin::loadtest
