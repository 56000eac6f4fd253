#pragma once
// RFC 6455 framing, server side. Outgoing frames are rendered once (header + payload in one
// buffer) and shared by every receiver; incoming client frames are parsed incrementally.
// The parser is an untrusted-input boundary: never throws, fuzzed (fuzz/fuzz_ws_codec.cc).
// Opcodes and the length encoding: protocol/ws_frame_header.h (shared with the load tester).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/ws_frame_header.h"

namespace odin::protocol::ws {

// Close codes the gateway sends (docs/protocol.md lists them).
namespace close_code {
inline constexpr uint16_t normal = 1000;
inline constexpr uint16_t going_away = 1001;        // server shutting down
inline constexpr uint16_t protocol_error = 1002;    // malformed framing
inline constexpr uint16_t unsupported_data = 1003;  // binary frames
inline constexpr uint16_t invalid_payload = 1007;   // text that is not UTF-8
inline constexpr uint16_t policy_violation = 1008;
inline constexpr uint16_t message_too_big = 1009;  // over the message size limit
inline constexpr uint16_t slow_client = 4008;      // outbound queue over its byte limit
}  // namespace close_code

// Server frames are never masked and always FIN. Writes the header into `out`, returns its size.
std::size_t write_header(opcode op, std::size_t payload_size, char* out);

// Header + payload in one string.
std::string make_frame(opcode op, std::string_view payload);
std::string make_close_frame(uint16_t code, std::string_view reason);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (base64(SHA-1(key + GUID))).
std::string accept_key(std::string_view sec_websocket_key);

// One complete client message or control frame.
struct message {
  opcode op = opcode::text;  // text, binary, close, ping or pong (never continuation)
  // Unmasked payload; valid until the next call to parse(). For close frames: the reason text
  // after the 2-byte code. Text payloads are NOT checked for UTF-8 here: the caller validates
  // them (simdjson::validate_utf8) and closes with 1007; the same holds for close reasons.
  std::string_view payload;
  uint16_t close_code = 0;  // for close frames: the code the client sent (1005 if none)
  // A data message whose first frame had RSV1 set (permessage-deflate, allowed only after
  // allow_compressed(true)): `payload` is still DEFLATE bytes; inflate it (ws_inflate.h).
  bool compressed = false;
};

enum class parse_status : uint8_t {
  need_more,       // consumed everything; no complete message yet
  message_ready,   // `out` holds a message; call again with the remaining input
  protocol_error,  // malformed frame: close with 1002
  too_big,         // message over the limit: close with 1009
};

// Incremental parser of client -> server frames: unmasks, reassembles fragmented messages
// (control frames may interleave), enforces the size limit before buffering.
// Refused with protocol_error: an unmasked frame, RSV bits set (RSV1 is allowed on the first
// frame of a data message once allow_compressed(true): permessage-deflate), an
// unknown opcode, a control frame that is fragmented or longer than 125 bytes, a continuation
// with no message started, a text/binary frame while a fragmented message is in progress, a
// 64-bit length with its top bit set, a close frame with a 1-byte payload or a close code a
// client may not send (valid: 1000-1003, 1007-1014, 3000-4999).
// Refused with too_big: a data frame whose length would take the message (all its fragments so
// far plus this frame) past max_message_bytes, decided from the frame header alone.
// Both errors are final: every later call returns the same status (the caller closes).
class frame_parser {
 public:
  explicit frame_parser(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Consumes bytes from the front of `input` (advancing it). Returns message_ready with `out`
  // set as soon as one message is complete; the caller loops until need_more.
  parse_status parse(std::string_view& input, message& out);

  // permessage-deflate was negotiated (RFC 7692): RSV1 marks a compressed data message.
  void allow_compressed(bool on) { allow_rsv1_ = on; }

 private:
  enum class state : uint8_t { header, payload, failed };

  bool read_header(std::string_view& input);  // true once a whole, valid header is in
  bool check_first_bytes();                   // opcode, FIN, RSV, mask bit, 7-bit length
  bool start_frame();                         // extended length, size limit, mask key
  void read_payload(std::string_view& input);
  parse_status finish_frame(message& out);
  bool fail(parse_status s);  // enters the failed state; returns false

  std::size_t max_message_bytes_;
  state state_ = state::header;
  parse_status failure_ = parse_status::need_more;
  uint8_t header_[14] = {};  // 2 + up to 8 length bytes + 4 mask bytes
  uint8_t header_size_ = 0;  // bytes of header_ received
  uint8_t header_need_ = 2;  // bytes of header_ needed (known after the first two)
  std::string message_;      // fragments of the data message in progress
  std::string complete_;     // the last complete data message (what out.payload points to)
  std::string control_;      // payload of the current control frame
  opcode message_op_ = opcode::text;
  bool in_message_ = false;  // a fragmented data message is in progress
  bool allow_rsv1_ = false;
  bool message_compressed_ = false;  // RSV1 on the first frame of the message in progress
  bool frame_rsv1_ = false;          // RSV1 on the current (first data) frame
  // current frame
  bool fin_ = false;
  opcode op_ = opcode::text;
  uint64_t remaining_ = 0;  // payload bytes still to read
  uint8_t mask_[4] = {0, 0, 0, 0};
  std::size_t mask_pos_ = 0;  // payload bytes of this frame unmasked so far
};

}  // namespace odin::protocol::ws
