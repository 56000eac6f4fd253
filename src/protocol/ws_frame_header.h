#pragma once
// The RFC 6455 vocabulary both of our codecs share: the opcodes, the bits of a frame header's
// first two bytes and the payload-length encoding (7 bits, or 126 + 16 bits, or 127 + 64 bits,
// big-endian). The server codec (protocol/ws_codec.h) and the load tester's client codec
// (loadtest/ws_client_codec.h) build on it; only masking and policy differ between them.
#include <cstddef>
#include <cstdint>

namespace odin::protocol::ws {

enum class opcode : uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// First byte: FIN, RSV1-3, opcode. Second byte: MASK, 7-bit length.
inline constexpr uint8_t fin_bit = 0x80;
inline constexpr uint8_t rsv_bits = 0x70;
// RSV1: the first frame of a compressed message (permessage-deflate, RFC 7692 §6).
inline constexpr uint8_t rsv1_bit = 0x40;
inline constexpr uint8_t opcode_bits = 0x0F;
inline constexpr uint8_t mask_bit = 0x80;
inline constexpr uint8_t length7_bits = 0x7F;

// An unmasked header is at most 10 bytes; a masked one adds the 4-byte key.
inline constexpr std::size_t max_header_size = 10;
inline constexpr std::size_t mask_key_size = 4;

constexpr bool is_control(opcode op) {
  return (static_cast<uint8_t>(op) & 0x8) != 0;
}

constexpr bool is_known_opcode(uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

// How many extended-length bytes follow the second byte for its 7-bit length field: 0, 2 or 8.
constexpr std::size_t extended_length_bytes(uint8_t length7) {
  return length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
}

// The payload length of a header: `length7` itself, or the big-endian value of the
// `extended_length_bytes(length7)` bytes at `extended`.
constexpr uint64_t decode_length(uint8_t length7, const uint8_t* extended) {
  const std::size_t n = extended_length_bytes(length7);
  if (n == 0) return length7;
  uint64_t size = 0;
  for (std::size_t i = 0; i < n; ++i) size = (size << 8) | extended[i];
  return size;
}

// Writes FIN + opcode, the MASK bit (when `masked`) and the shortest length encoding of
// `payload_size` into `out` (room for max_header_size bytes); returns the bytes written (2, 4
// or 10). The masking key, if any, is the caller's to append.
constexpr std::size_t write_frame_header(char* out, opcode op, uint64_t payload_size, bool masked) {
  out[0] = static_cast<char>(fin_bit | static_cast<uint8_t>(op));
  const uint8_t mask = masked ? mask_bit : 0;
  if (payload_size < 126) {
    out[1] = static_cast<char>(mask | payload_size);
    return 2;
  }
  if (payload_size <= 0xFFFF) {
    out[1] = static_cast<char>(mask | 126);
    out[2] = static_cast<char>(payload_size >> 8);
    out[3] = static_cast<char>(payload_size & 0xFF);
    return 4;
  }
  out[1] = static_cast<char>(mask | 127);
  for (std::size_t i = 0; i < 8; ++i) out[2 + i] = static_cast<char>(payload_size >> (56 - 8 * i));
  return 10;
}

}  // namespace odin::protocol::ws
