// permessage-deflate (RFC 7692) in src/protocol: the shared-frame deflater, the bounded
// per-message inflater, and the frame parser's RSV1 rules.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "protocol/ws_codec.h"
#include "protocol/ws_deflate.h"
#include "protocol/ws_inflate.h"
#include "support/raw_deflate.h"

namespace odin::protocol::ws {
namespace {

using ::odin::test::raw_deflate;

// Frame header fields of an unmasked server frame.
struct header_view {
  uint8_t byte0;
  std::size_t header_size;
  uint64_t length;
};

header_view read_header(std::string_view f) {
  const auto* b = reinterpret_cast<const uint8_t*>(f.data());
  const uint8_t len7 = b[1] & 0x7F;
  return {b[0], 2 + extended_length_bytes(len7), decode_length(len7, b + 2)};
}

const std::string event =
    R"({"type":"event","channel":"BTC.trade","seq":17,"ts":1732280000123456,"pos":"trade:3:1042:9f3a2b11",)"
    R"("data":{"type":"TRADE_EXECUTED","tokenId":"BTC","price":101.5,"volume":3,"side":"buy"}})";

TEST(Deflater, FrameHasRsv1AndInflatesToThePayload) {
  deflater d(1);
  std::string frame;
  ASSERT_TRUE(d.compress_frame(event, frame));
  const header_view h = read_header(frame);
  EXPECT_EQ(h.byte0, 0x80 | 0x40 | 0x1);  // FIN, RSV1, text
  EXPECT_EQ(h.header_size + h.length, frame.size());
  EXPECT_LT(frame.size(), event.size());
  inflater i;
  std::string out;
  ASSERT_EQ(i.inflate_message(std::string_view(frame).substr(h.header_size), 1 << 16, out),
            inflate_status::ok);
  EXPECT_EQ(out, event);
}

TEST(Deflater, NoContextTakeoverGivesTheSameBytesEveryTime) {
  deflater d(6);
  std::string a;
  std::string b;
  ASSERT_TRUE(d.compress_frame(event, a));
  ASSERT_TRUE(d.compress_frame(event, b));  // a shared window would make b much shorter
  EXPECT_EQ(a, b);
}

TEST(Deflater, LargePayloadUsesTheExtendedLength) {
  std::string big;
  for (int n = 0; big.size() < 300000; ++n) big += std::to_string(n * 7919) + ",";
  deflater d(1);
  std::string frame;
  ASSERT_TRUE(d.compress_frame(big, frame));
  const header_view h = read_header(frame);
  EXPECT_EQ(h.header_size + h.length, frame.size());
  inflater i;
  std::string out;
  ASSERT_EQ(i.inflate_message(std::string_view(frame).substr(h.header_size), big.size(), out),
            inflate_status::ok);
  EXPECT_EQ(out, big);
}

TEST(Inflater, InflatesABrowserStyleMessage) {
  inflater i;
  std::string out;
  ASSERT_EQ(i.inflate_message(raw_deflate(event), 1 << 16, out), inflate_status::ok);
  EXPECT_EQ(out, event);
  // Fresh per message: a second message does not depend on the first.
  ASSERT_EQ(i.inflate_message(raw_deflate("{\"type\":\"ping\"}"), 1 << 16, out),
            inflate_status::ok);
  EXPECT_EQ(out, "{\"type\":\"ping\"}");
}

TEST(Inflater, AcceptsAMessageEndedWithAFinalBlock) {
  inflater i;
  std::string out;
  ASSERT_EQ(i.inflate_message(raw_deflate(event, Z_FINISH), 1 << 16, out), inflate_status::ok);
  EXPECT_EQ(out, event);
}

TEST(Inflater, EmptyMessageInflatesToNothing) {
  inflater i;
  std::string out = "left over";
  ASSERT_EQ(i.inflate_message(raw_deflate(""), 100, out), inflate_status::ok);
  EXPECT_EQ(out, "");
}

TEST(Inflater, ZipBombPastTheLimitIsTooBig) {
  const std::string zeros(10 * 1024 * 1024, '0');
  const std::string bomb = raw_deflate(zeros);
  ASSERT_LT(bomb.size(), 64u * 1024);  // small on the wire
  inflater i;
  std::string out;
  EXPECT_EQ(i.inflate_message(bomb, 64 * 1024, out), inflate_status::too_big);
  // Stopped at the limit (+1 byte), not after 10 MiB: the buffer grew by doubling up to it.
  EXPECT_LE(out.capacity(), 2 * (64u * 1024 + 1));
}

TEST(Inflater, MessageOfExactlyTheLimitIsAccepted) {
  const std::string payload(5000, 'x');
  inflater i;
  std::string out;
  EXPECT_EQ(i.inflate_message(raw_deflate(payload), 5000, out), inflate_status::ok);
  EXPECT_EQ(out, payload);
  EXPECT_EQ(i.inflate_message(raw_deflate(payload), 4999, out), inflate_status::too_big);
}

TEST(Inflater, GarbageIsCorrupt) {
  inflater i;
  std::string out;
  EXPECT_EQ(i.inflate_message("\xff\xff\xff\xff garbage", 1 << 16, out), inflate_status::corrupt);
  // Data after a final block is not ours to ignore.
  EXPECT_EQ(i.inflate_message(raw_deflate(event, Z_FINISH) + "xyz", 1 << 16, out),
            inflate_status::corrupt);
  // And the inflater is usable again afterwards.
  EXPECT_EQ(i.inflate_message(raw_deflate(event), 1 << 16, out), inflate_status::ok);
  EXPECT_EQ(out, event);
}

// --- frame_parser and RSV1

constexpr uint8_t mask_key[4] = {0x11, 0x22, 0x33, 0x44};

std::string client_frame(uint8_t byte0, std::string_view payload) {
  std::string f(1, static_cast<char>(byte0));
  char header[max_header_size];
  const std::size_t n = write_frame_header(header, opcode::text, payload.size(), true);
  f.append(header + 1, n - 1);
  f.append(reinterpret_cast<const char*>(mask_key), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    f += static_cast<char>(payload[i] ^ mask_key[i % 4]);
  return f;
}

TEST(Parser, Rsv1WithoutNegotiationIsAProtocolError) {
  frame_parser p(1 << 16);
  std::string input = client_frame(0x80 | 0x40 | 0x1, raw_deflate("{}"));
  std::string_view in = input;
  message m;
  EXPECT_EQ(p.parse(in, m), parse_status::protocol_error);
}

TEST(Parser, Rsv1MarksACompressedMessageWhenNegotiated) {
  frame_parser p(1 << 16);
  p.allow_compressed(true);
  const std::string body = raw_deflate(event);
  // Fragmented: RSV1 on the first frame only, then a plain message after it.
  std::string input = client_frame(0x40 | 0x1, body.substr(0, 10)) +
                      client_frame(0x80 | 0x0, body.substr(10)) + client_frame(0x81, "{}");
  std::string_view in = input;
  message m;
  ASSERT_EQ(p.parse(in, m), parse_status::message_ready);
  EXPECT_TRUE(m.compressed);
  EXPECT_EQ(m.payload, body);
  ASSERT_EQ(p.parse(in, m), parse_status::message_ready);
  EXPECT_FALSE(m.compressed);
  EXPECT_EQ(m.payload, "{}");
}

TEST(Parser, Rsv1OnAContinuationIsAProtocolError) {
  frame_parser p(1 << 16);
  p.allow_compressed(true);
  std::string input = client_frame(0x01, "ab") + client_frame(0x80 | 0x40 | 0x0, "cd");
  std::string_view in = input;
  message m;
  EXPECT_EQ(p.parse(in, m), parse_status::protocol_error);
}

TEST(Parser, Rsv1OnAControlFrameIsAProtocolError) {
  frame_parser p(1 << 16);
  p.allow_compressed(true);
  std::string input = client_frame(0x80 | 0x40 | 0x9, "hi");
  std::string_view in = input;
  message m;
  EXPECT_EQ(p.parse(in, m), parse_status::protocol_error);
}

TEST(Parser, Rsv2AndRsv3StayProtocolErrors) {
  for (uint8_t rsv : {uint8_t{0x20}, uint8_t{0x10}, uint8_t{0x60}}) {
    frame_parser p(1 << 16);
    p.allow_compressed(true);
    std::string input = client_frame(0x80 | rsv | 0x1, "{}");
    std::string_view in = input;
    message m;
    EXPECT_EQ(p.parse(in, m), parse_status::protocol_error) << int(rsv);
  }
}

}  // namespace
}  // namespace odin::protocol::ws
