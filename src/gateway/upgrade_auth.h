#pragma once
// Who is connecting: the token of a WebSocket upgrade request (`?token=` on the request target
// for browsers, `Authorization: Bearer` for servers), verified once, turned into the session's
// identity — or the reason the upgrade is refused with 401. The token is never logged or
// echoed: refusals name the jwt_errc only.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/jwt_verifier.h"
#include "common/result.h"
#include "gateway/options.h"

namespace odin::gateway {

// The identity a session holds (replaced by a verified `auth` message of the same sub).
struct identity {
  bool authenticated = false;
  std::string sub;     // the token's `sub` ("" when it has none)
  bool admin = false;  // "odin_admin": true — every user's balances
  int64_t exp = 0;     // seconds since the epoch; the session closes with 4001 after exp + leeway
};

identity identity_of(const auth::jwt_claims& claims);

// Why an upgrade is refused (401).
struct upgrade_denial {
  std::string reason;  // "missing_token", "ambiguous_token" or a jwt_errc name ("expired" ...)
  std::string detail;  // for the log: what was wrong, never the token
};

// Decides an upgrade: `target` is the request target ("/ws?token=..."), `authorization` the
// Authorization header ("" when absent). Mode off: anonymous, tokens ignored. Otherwise a
// given token must verify (401 if not, also in optional mode); no token is anonymous in
// optional mode and refused in required mode. Both forms given and different: refused.
// `verifier` may be null only in mode off.
result<identity, upgrade_denial> authorize_upgrade(std::string_view target,
                                                   std::string_view authorization, auth_mode mode,
                                                   const auth::jwt_verifier* verifier);

// The value of query parameter `name` in `target` (percent-decoded, '+' as space), if present.
std::optional<std::string> query_parameter(std::string_view target, std::string_view name);

// One start-up line: mode, key types, issuer/audience, leeway, whether balances are private
// (no secret in it).
std::string describe_auth(const auth_options& a);

// The 401 body: {"error":"unauthorized","reason":"<reason>"}.
std::string unauthorized_body(const upgrade_denial& d);

// The WWW-Authenticate value of a 401 (RFC 6750 §3): error="invalid_token" when a token was
// given, a bare challenge when none was.
std::string_view www_authenticate(const upgrade_denial& d);

}  // namespace odin::gateway
