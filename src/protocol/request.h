#pragma once
// A client request (docs/protocol.md): what `parse_request` makes of one client text message.
// Parsing is the gateway's untrusted-input boundary: it never throws and is fuzzed
// (fuzz/fuzz_client_protocol.cc). Reading the JSON is protocol/request_reader.h, the protocol
// rules on what it read are protocol/request_rules.h.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/channel.h"
#include "protocol/error_code.h"
#include "protocol/position.h"

namespace odin::protocol {

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

}  // namespace odin::protocol
