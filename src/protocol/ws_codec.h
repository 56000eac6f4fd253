#pragma once
// RFC 6455 framing, server side. Outgoing frames are rendered once (header + payload in one
// buffer) and shared by every receiver; incoming client frames are parsed incrementally.
// The parser is an untrusted-input boundary: never throws, fuzzed (fuzz/fuzz_ws_codec.cc).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace odin::protocol::ws {

enum class opcode : uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close codes the gateway sends (docs/protocol.md lists them).
namespace close_code {
inline constexpr uint16_t normal = 1000;
inline constexpr uint16_t going_away = 1001;       // server shutting down
inline constexpr uint16_t protocol_error = 1002;   // malformed framing
inline constexpr uint16_t unsupported_data = 1003; // binary frames
inline constexpr uint16_t invalid_payload = 1007;  // text that is not UTF-8
inline constexpr uint16_t policy_violation = 1008;
inline constexpr uint16_t message_too_big = 1009;  // over the message size limit
inline constexpr uint16_t slow_client = 4008;      // outbound queue over its byte limit
}  // namespace close_code

inline constexpr std::size_t max_header_size = 10;

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
  std::string_view payload;  // unmasked; valid until the next call to parse()
  uint16_t close_code = 0;   // for close frames: the code the client sent (1005 if none)
};

enum class parse_status : uint8_t {
  need_more,       // consumed everything; no complete message yet
  message_ready,   // `out` holds a message; call again with the remaining input
  protocol_error,  // malformed frame: close with 1002
  too_big,         // message over the limit: close with 1009
};

// Incremental parser of client -> server frames: unmasks, reassembles fragmented messages
// (control frames may interleave), enforces the size limit before buffering.
class frame_parser {
 public:
  explicit frame_parser(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  // Consumes bytes from the front of `input` (advancing it). Returns message_ready with `out`
  // set as soon as one message is complete; the caller loops until need_more.
  parse_status parse(std::string_view& input, message& out);

 private:
  std::size_t max_message_bytes_;
  std::string header_;    // partial frame header
  std::string frame_;     // payload of the current frame
  std::string message_;   // reassembled fragments of a data message
  std::string control_;   // the last complete control frame's payload
  std::string complete_;  // the last complete data message
  opcode message_op_ = opcode::text;
  bool in_fragmented_ = false;
  // current frame state
  bool have_header_ = false;
  bool fin_ = false;
  opcode op_ = opcode::text;
  uint64_t remaining_ = 0;
  uint8_t mask_[4] = {0, 0, 0, 0};
  uint64_t mask_pos_ = 0;
};

}  // namespace odin::protocol::ws
