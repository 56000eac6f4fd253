#include "loadtest/ws_client_codec.h"

#include <gtest/gtest.h>

#include "protocol/ws_codec.h"

namespace odin::loadtest::ws {
namespace {

TEST(WsClientCodec, KeysAreValidBase64OfSixteenBytesAndDistinct) {
  const std::string a = websocket_key(1), b = websocket_key(2);
  EXPECT_EQ(a.size(), 24u);
  EXPECT_EQ(a.substr(22), "==");
  EXPECT_NE(a, b);
  EXPECT_EQ(a, websocket_key(1));
}

TEST(WsClientCodec, HandshakeAcceptedOnlyWithTheRightAcceptKey) {
  const std::string key = websocket_key(7);
  const std::string ok =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nsec-websocket-accept: " +
      protocol::ws::accept_key(key) + "\r\n\r\nXY";
  auto r = parse_handshake(ok, key);
  EXPECT_EQ(r.status, handshake_status::accepted);
  EXPECT_EQ(r.http_status, 101);
  EXPECT_EQ(r.consumed, ok.size() - 2);
  EXPECT_EQ(parse_handshake(ok.substr(0, 40), key).status, handshake_status::incomplete);
  EXPECT_EQ(parse_handshake(ok, websocket_key(8)).status, handshake_status::malformed);
  auto refused =
      parse_handshake("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", key);
  EXPECT_EQ(refused.status, handshake_status::refused);
  EXPECT_EQ(refused.http_status, 503);
}

TEST(WsClientCodec, MaskedFrameUnmasksToThePayload) {
  std::string out;
  const std::string payload(300, 'x');
  append_frame(out, opcode::text, payload, 0x12345678u);
  ASSERT_EQ(out.size(), 4 + 4 + payload.size());
  EXPECT_EQ(static_cast<uint8_t>(out[0]), 0x81);
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0x80 | 126);
  const char* mask = out.data() + 4;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    ASSERT_EQ(static_cast<char>(out[8 + i] ^ mask[i & 3]), 'x');
  }
}

TEST(WsClientCodec, ReadsServerHeadersOfEverySize) {
  for (std::size_t n : {0u, 125u, 126u, 65535u, 65536u}) {
    const std::string f = protocol::ws::make_frame(protocol::ws::opcode::text, std::string(n, 'a'));
    frame_header h;
    ASSERT_EQ(read_header(f.data(), f.size(), h), header_status::ok) << n;
    EXPECT_EQ(h.payload_size, n);
    EXPECT_EQ(h.header_size + n, f.size());
    EXPECT_TRUE(h.fin);
    EXPECT_EQ(h.op, opcode::text);
    EXPECT_EQ(read_header(f.data(), h.header_size - 1, h), header_status::need_more);
  }
  const char masked[2] = {static_cast<char>(0x81), static_cast<char>(0x85)};
  frame_header h;
  EXPECT_EQ(read_header(masked, 2, h), header_status::malformed);
}

TEST(WsClientCodec, CompressionOfferIsInTheUpgradeRequestOnlyWhenAsked) {
  const std::string plain = upgrade_request("127.0.0.1", 3002, "/ws", websocket_key(1));
  const std::string offering =
      upgrade_request("127.0.0.1", 3002, "/ws", websocket_key(1), /*deflate=*/true);
  EXPECT_EQ(plain.find("Sec-WebSocket-Extensions"), std::string::npos);
  EXPECT_NE(offering.find("\r\nSec-WebSocket-Extensions: permessage-deflate; "
                          "client_max_window_bits\r\n"),
            std::string::npos)
      << offering;
  EXPECT_EQ(offering.substr(offering.size() - 4), "\r\n\r\n");
}

TEST(WsClientCodec, Rsv1IsReadOnlyOnDataFramesOfACompressingConnection) {
  const auto header = [](uint8_t byte0) {
    return std::string{static_cast<char>(byte0), static_cast<char>(5)};
  };
  frame_header h;
  const std::string text_rsv1 = header(0x80 | 0x40 | 0x1);
  EXPECT_EQ(read_header(text_rsv1.data(), 2, h), header_status::malformed);  // not negotiated
  ASSERT_EQ(read_header(text_rsv1.data(), 2, h, true), header_status::ok);
  EXPECT_TRUE(h.compressed);
  const std::string first_fragment = header(0x40 | 0x1);
  ASSERT_EQ(read_header(first_fragment.data(), 2, h, true), header_status::ok);
  EXPECT_TRUE(h.compressed);
  EXPECT_FALSE(h.fin);
  const std::string plain = header(0x81);
  ASSERT_EQ(read_header(plain.data(), 2, h, true), header_status::ok);
  EXPECT_FALSE(h.compressed);
  for (uint8_t bad : {uint8_t{0x80 | 0x40 | 0x0}, uint8_t{0x80 | 0x40 | 0x9},
                      uint8_t{0x80 | 0x20 | 0x1}, uint8_t{0x80 | 0x60 | 0x1}}) {
    const std::string f = header(bad);
    EXPECT_EQ(read_header(f.data(), 2, h, true), header_status::malformed) << int(bad);
  }
}

}  // namespace
}  // namespace odin::loadtest::ws
