#pragma once
// The client side of RFC 6455 that the load tester needs: the upgrade request and the check
// of its response, masked client frames, and the header of (unmasked) server frames.
// Hand-rolled rather than a Beast stream so that a connection costs a socket and a read
// buffer, not a full stream object (see README: memory per connection).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/ws_frame_header.h"

namespace odin::loadtest::ws {

// The opcodes and the length encoding are the server codec's (protocol/ws_frame_header.h).
using opcode = ::odin::protocol::ws::opcode;

// A Sec-WebSocket-Key derived from n (16 bytes, base64): recomputable, so nothing is stored.
std::string websocket_key(uint64_t n);

// `deflate`: offer permessage-deflate the way browsers do ("permessage-deflate;
// client_max_window_bits"); this client never compresses what it sends.
std::string upgrade_request(std::string_view host, uint16_t port, std::string_view target,
                            std::string_view key, bool deflate = false);

enum class handshake_status : uint8_t { incomplete, accepted, refused, malformed };
struct handshake_result {
  handshake_status status = handshake_status::incomplete;
  int http_status = 0;       // when the status line was read
  std::size_t consumed = 0;  // bytes of the response (headers included), when complete
};
// Parses the response to the upgrade request: accepted = 101 with the right
// Sec-WebSocket-Accept; refused = any other status (e.g. 503).
handshake_result parse_handshake(std::string_view data, std::string_view key);

// Appends a masked client frame (FIN set).
void append_frame(std::string& out, opcode op, std::string_view payload, uint32_t mask);
void append_close(std::string& out, uint16_t code, uint32_t mask);

struct frame_header {
  opcode op = opcode::text;
  bool fin = true;
  std::size_t header_size = 0;
  uint64_t payload_size = 0;
  bool compressed = false;  // RSV1: the first frame of a permessage-deflate message
};
enum class header_status : uint8_t { need_more, ok, malformed };
// Reads a server frame header (servers never mask; a masked or RSV frame is malformed, except
// RSV1 on a data frame when `deflate` was negotiated).
header_status read_header(const char* data, std::size_t size, frame_header& out,
                          bool deflate = false);

}  // namespace odin::loadtest::ws
