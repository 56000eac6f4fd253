#pragma once
// The error codes of the client protocol (docs/protocol.md): every error a client can get, as
// {"type":"error","code":"<to_string(code)>",...}.
#include <cstdint>
#include <string_view>

namespace odin::protocol {

enum class error_code : uint8_t {
  invalid_json,            // not valid JSON / not valid UTF-8
  invalid_request,         // not an object, a field of the wrong JSON type, tokens without bundle,
                           // neither bundle nor channels given
  unknown_type,            // "type" missing or not subscribe/unsubscribe/ping
  unknown_bundle,          // bundle not one of the six
  invalid_channel,         // channel not of the form TOKEN.kind
  unknown_kind,            // channel kind not one of the eight
  invalid_token,           // token empty, too long or with a character outside [A-Za-z0-9_-]
  empty_tokens,            // bundle with an empty or missing token list / empty channel list
  too_many_tokens,         // more tokens or channels in one request than limits.max_per_request
  too_many_subscriptions,  // the connection would hold more than its subscription limit
  not_subscribed,          // unsubscribe from a channel this connection does not hold
  invalid_position,        // a "since" position that is not one of ours (or of another kind)
  unauthorized,  // an `auth` token that does not verify (the connection keeps its identity)
  forbidden,     // a private channel (balances) without a token; another user's token
};

// The wire name ("invalid_json", ...); "invalid_request" for a value outside the enum.
std::string_view to_string(error_code c);

}  // namespace odin::protocol
