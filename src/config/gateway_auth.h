#pragma once
// Client identity on the gateway (issue 9): WS_AUTH, WS_JWT_*, WS_PUBLIC_BALANCES are settled
// into gateway::options::auth — the HS256 secret read from WS_JWT_SECRET_FILE, the mode
// defaulted (optional when a key is configured, off otherwise), the keys loaded once so a bad
// key file or a short secret stops start-up with a clear message (never quoting the secret).
#include <string>

#include "config/settings.h"

namespace odin::config {

// Throws config_error: WS_AUTH=optional|required without a key, both WS_JWT_SECRET and
// WS_JWT_SECRET_FILE, an unreadable file, a key the verifier refuses. Appends warnings.
void apply_gateway_auth(settings& s);

}  // namespace odin::config
