#pragma once
// The client protocol (docs/protocol.md): parsing client requests and rendering the replies.
// Parsing is the gateway's untrusted-input boundary: it never throws and is fuzzed
// (fuzz/fuzz_client_protocol.cc).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/channel.h"
#include "protocol/position.h"

namespace odin::protocol {

// Every error a client can get, as {"type":"error","code":"<to_string(code)>",...}.
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

std::string_view to_string(error_code c);

struct protocol_limits {
  std::size_t max_per_request = 100;  // tokens (bundle form) or channels (channel form)
};

// "id" may be a JSON string or number of at most this many bytes of JSON text.
inline constexpr std::size_t max_id_bytes = 64;
// Objects/arrays may nest at most this deep (the top-level object counts as 1); deeper
// requests are refused as invalid_json without recursing further.
inline constexpr std::size_t max_json_depth = 32;

enum class request_type : uint8_t { subscribe, unsubscribe, ping, auth };

// One "since" entry of a subscribe: recover `channels[channel]` after `pos`.
struct since_entry {
  std::size_t channel = 0;  // index into request::channels
  stream_position pos;
};

struct request {
  request_type type = request_type::ping;
  std::string id_json;                   // the "id" value as raw JSON text ("" when absent)
  std::vector<model::channel> channels;  // expanded (bundle x tokens, then channels), no duplicates
  // subscribe only (ignored on unsubscribe):
  std::vector<since_entry> since;  // in the order of `channels`
  bool snapshot = false;           // "snapshot": true
  bool latest = false;             // "mode": "latest" (conflatable channels)
  std::string token;               // auth only: the JWT access token
};

struct request_error {
  error_code code;
  std::string message;  // human text naming the offending value
  std::string id_json;  // echoed when the id could be read
};

// Parses one client text message (any size; the gateway caps messages at 64 KiB first). Validates
// the whole document (JSON syntax and UTF-8) even where fields are ignored. Never throws.
// Uses a thread_local simdjson parser: safe to call from any number of threads.
result<request, request_error> parse_request(std::string_view text, const protocol_limits& limits);

// Replies, as compact JSON. `id_json` is echoed as "id" when not empty; it must be JSON text
// (as produced by parse_request) and is copied verbatim.
std::string render_subscribed(const std::vector<std::string>& channels, std::string_view id_json);
// With "recovered": {"<channel>": true|false, ...} for the channels of a "since" (in order).
std::string render_subscribed(const std::vector<std::string>& channels, std::string_view id_json,
                              const std::vector<std::pair<std::string, bool>>& recovered);
std::string render_unsubscribed(const std::vector<std::string>& channels, std::string_view id_json);
std::string render_pong(std::string_view id_json);
// {"type":"authenticated","exp":<exp>,"id":...}: the reply to a successful `auth`.
std::string render_authenticated(int64_t exp, std::string_view id_json);
std::string render_error(error_code code, std::string_view message, std::string_view id_json);
inline std::string render_error(const request_error& e) {
  return render_error(e.code, e.message, e.id_json);
}

}  // namespace odin::protocol
