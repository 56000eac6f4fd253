#include "loadtest/ws_client_codec.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <cstring>

#include "protocol/ws_codec.h"

namespace odin::loadtest::ws {

std::string websocket_key(uint64_t n) {
  std::array<unsigned char, 16> raw{};
  uint64_t a = n * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  uint64_t b = (n ^ 0xd1b54a32d192ed03ULL) * 0xbf58476d1ce4e5b9ULL;
  std::memcpy(raw.data(), &a, 8);
  std::memcpy(raw.data() + 8, &b, 8);
  std::array<unsigned char, 32> out{};
  const int len = EVP_EncodeBlock(out.data(), raw.data(), static_cast<int>(raw.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(len));
}

std::string upgrade_request(std::string_view host, uint16_t port, std::string_view target,
                            std::string_view key, bool deflate) {
  return fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}:{}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: {}\r\nSec-WebSocket-Version: 13\r\n{}\r\n",
      target, host, port, key,
      deflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "");
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

handshake_result parse_handshake(std::string_view data, std::string_view key) {
  handshake_result r;
  const auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (data.size() > 16384) r.status = handshake_status::malformed;
    return r;
  }
  r.consumed = end + 4;
  std::string_view head = data.substr(0, end);
  const auto line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  // "HTTP/1.1 101 Switching Protocols"
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) {
    r.status = handshake_status::malformed;
    return r;
  }
  r.http_status =
      (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');
  if (r.http_status != 101) {
    r.status = handshake_status::refused;
    return r;
  }
  const std::string expected = protocol::ws::accept_key(key);
  bool accept_ok = false;
  head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
  while (!head.empty()) {
    const auto eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    head = eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (iequals(trim(line.substr(0, colon)), "sec-websocket-accept")) {
      accept_ok = trim(line.substr(colon + 1)) == expected;
    }
  }
  r.status = accept_ok ? handshake_status::accepted : handshake_status::malformed;
  return r;
}

void append_frame(std::string& out, opcode op, std::string_view payload, uint32_t mask) {
  const std::size_t n = payload.size();
  char header[protocol::ws::max_header_size];
  out.append(header, protocol::ws::write_frame_header(header, op, n, /*masked=*/true));
  std::array<char, 4> m{};
  std::memcpy(m.data(), &mask, 4);
  out.append(m.data(), 4);
  const std::size_t start = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < n; ++i) out[start + i] ^= m[i & 3];
}

void append_close(std::string& out, uint16_t code, uint32_t mask) {
  const char payload[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  append_frame(out, opcode::close, std::string_view(payload, 2), mask);
}

header_status read_header(const char* data, std::size_t size, frame_header& out, bool deflate) {
  if (size < 2) return header_status::need_more;
  const auto b0 = static_cast<uint8_t>(data[0]);
  const auto b1 = static_cast<uint8_t>(data[1]);
  namespace pws = protocol::ws;
  if ((b1 & pws::mask_bit) != 0) return header_status::malformed;
  out.fin = (b0 & pws::fin_bit) != 0;
  out.op = static_cast<opcode>(b0 & pws::opcode_bits);
  const uint8_t rsv = b0 & pws::rsv_bits;
  const bool first_data = out.op == opcode::text || out.op == opcode::binary;
  if (rsv != 0 && (!deflate || rsv != pws::rsv1_bit || !first_data)) {
    return header_status::malformed;
  }
  out.compressed = rsv != 0;
  const uint8_t len7 = b1 & pws::length7_bits;
  const std::size_t header = 2 + pws::extended_length_bytes(len7);
  if (size < header) return header_status::need_more;
  const uint64_t len = pws::decode_length(len7, reinterpret_cast<const uint8_t*>(data) + 2);
  if (len > (uint64_t{1} << 32)) return header_status::malformed;
  out.header_size = header;
  out.payload_size = len;
  return header_status::ok;
}

}  // namespace odin::loadtest::ws
