#include "protocol/ws_codec.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

namespace odin::protocol::ws {
namespace {

constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t max_control_payload = 125;

// Codes a client may send (RFC 6455 section 7.4; 1004-1006 and 1015 are never sent on the wire).
bool is_valid_close_code(uint16_t c) {
  return (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
}

// XORs `n` bytes of `src` with the masking key into `dst`; `pos` is how many payload bytes of
// the frame came before (the key repeats every 4 bytes), so chunks can be unmasked separately.
// Eight bytes at a time: this runs over every byte a client sends.
void unmask(char* dst, const char* src, std::size_t n, const uint8_t (&mask)[4], std::size_t pos) {
  uint8_t key[8];
  for (std::size_t i = 0; i < 8; ++i) key[i] = mask[(pos + i) & 3];
  uint64_t key_word;
  std::memcpy(&key_word, key, sizeof key_word);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, src + i, sizeof word);
    word ^= key_word;
    std::memcpy(dst + i, &word, sizeof word);
  }
  for (; i < n; ++i) dst[i] = static_cast<char>(static_cast<uint8_t>(src[i]) ^ key[i & 7]);
}

}  // namespace

std::size_t write_header(opcode op, std::size_t payload_size, char* out) {
  return write_frame_header(out, op, payload_size, /*masked=*/false);
}

std::string make_frame(opcode op, std::string_view payload) {
  char header[max_header_size];
  const std::size_t header_size = write_header(op, payload.size(), header);
  std::string frame;
  frame.reserve(header_size + payload.size());
  frame.append(header, header_size).append(payload);
  return frame;
}

std::string make_close_frame(uint16_t code, std::string_view reason) {
  // The reason is cut to fit a control frame, at a UTF-8 character boundary.
  if (reason.size() > max_control_payload - 2) {
    std::size_t n = max_control_payload - 2;
    while (n > 0 && (static_cast<uint8_t>(reason[n]) & 0xC0) == 0x80) --n;
    reason = reason.substr(0, n);
  }
  std::string payload;
  payload.reserve(2 + reason.size());
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xFF);
  payload.append(reason);
  return make_frame(opcode::close, payload);
}

std::string accept_key(std::string_view sec_websocket_key) {
  std::string input;
  input.reserve(sec_websocket_key.size() + websocket_guid.size());
  input.append(sec_websocket_key).append(websocket_guid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha1(), nullptr) != 1) {
    return {};
  }
  unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(digest_size));
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(n));
}

// Each turn of the loop either returns or completes a frame, and a frame is at least 2 input
// bytes, so the loop is bounded by the input size.
parse_status frame_parser::parse(std::string_view& input, message& out) {
  while (state_ != state::failed) {
    if (state_ == state::header && !read_header(input)) break;
    read_payload(input);
    if (remaining_ > 0) return parse_status::need_more;
    const parse_status s = finish_frame(out);
    if (s != parse_status::need_more) return s;
  }
  return state_ == state::failed ? failure_ : parse_status::need_more;
}

bool frame_parser::fail(parse_status s) {
  state_ = state::failed;
  failure_ = s;
  return false;
}

bool frame_parser::read_header(std::string_view& input) {
  while (header_size_ < header_need_ && !input.empty()) {
    header_[header_size_++] = static_cast<uint8_t>(input.front());
    input.remove_prefix(1);
    if (header_size_ == 2 && !check_first_bytes()) return false;
  }
  return header_size_ == header_need_ && start_frame();
}

bool frame_parser::check_first_bytes() {
  const uint8_t b0 = header_[0];
  const uint8_t b1 = header_[1];
  if (!is_known_opcode(b0 & opcode_bits)) return fail(parse_status::protocol_error);
  if ((b1 & mask_bit) == 0) return fail(parse_status::protocol_error);  // clients mask
  fin_ = (b0 & fin_bit) != 0;
  op_ = static_cast<opcode>(b0 & opcode_bits);
  // RSV1 = a compressed message: only negotiated, only on a message's first frame (RFC 7692
  // §6.1: never on control frames or continuations). RSV2/RSV3 mean nothing to us.
  const uint8_t rsv = b0 & rsv_bits;
  const bool first_data = !is_control(op_) && op_ != opcode::continuation;
  if (rsv != 0 && (rsv != rsv1_bit || !allow_rsv1_ || !first_data)) {
    return fail(parse_status::protocol_error);
  }
  if (first_data) frame_rsv1_ = rsv != 0;
  const uint8_t len7 = b1 & length7_bits;
  if (is_control(op_)) {
    if (!fin_ || len7 > max_control_payload) return fail(parse_status::protocol_error);
    if (op_ == opcode::close && len7 == 1) return fail(parse_status::protocol_error);
  } else if ((op_ == opcode::continuation) != in_message_) {
    return fail(parse_status::protocol_error);  // stray continuation, or interrupted message
  }
  header_need_ = static_cast<uint8_t>(2 + extended_length_bytes(len7) + mask_key_size);
  return true;
}

bool frame_parser::start_frame() {
  const uint8_t len7 = header_[1] & length7_bits;
  const uint64_t size = decode_length(len7, header_ + 2);
  if (size >> 63) return fail(parse_status::protocol_error);  // RFC 6455: top bit must be 0
  std::memcpy(mask_, header_ + 2 + extended_length_bytes(len7), mask_key_size);
  if (is_control(op_)) {
    control_.clear();
    control_.reserve(size);
  } else {
    if (op_ != opcode::continuation) {
      message_.clear();
      message_op_ = op_;
      message_compressed_ = frame_rsv1_;
    }
    // Decided from the header, before any of the payload is buffered.
    if (size > max_message_bytes_ - message_.size()) return fail(parse_status::too_big);
    in_message_ = true;
    message_.reserve(message_.size() + size);
  }
  remaining_ = size;
  mask_pos_ = 0;
  header_size_ = 0;
  header_need_ = 2;
  state_ = state::payload;
  return true;
}

void frame_parser::read_payload(std::string_view& input) {
  const auto n = static_cast<std::size_t>(std::min<uint64_t>(remaining_, input.size()));
  if (n == 0) return;
  std::string& target = is_control(op_) ? control_ : message_;
  const std::size_t at = target.size();
  target.resize(at + n);
  unmask(target.data() + at, input.data(), n, mask_, mask_pos_);
  mask_pos_ += n;
  remaining_ -= n;
  input.remove_prefix(n);
}

parse_status frame_parser::finish_frame(message& out) {
  state_ = state::header;
  if (is_control(op_)) {
    out.op = op_;
    out.payload = control_;
    out.close_code = 0;
    out.compressed = false;
    if (op_ == opcode::close) {
      out.close_code = 1005;  // "no status code present"
      if (control_.size() >= 2) {
        out.close_code = static_cast<uint16_t>((static_cast<uint8_t>(control_[0]) << 8) |
                                               static_cast<uint8_t>(control_[1]));
        if (!is_valid_close_code(out.close_code)) {
          fail(parse_status::protocol_error);
          return failure_;
        }
        out.payload.remove_prefix(2);
      }
    }
    return parse_status::message_ready;
  }
  if (!fin_) return parse_status::need_more;  // wait for the next fragment
  in_message_ = false;
  complete_.swap(message_);  // the two buffers keep their capacity
  message_.clear();
  out.op = message_op_;
  out.payload = complete_;
  out.close_code = 0;
  out.compressed = message_compressed_;
  return parse_status::message_ready;
}

}  // namespace odin::protocol::ws
