#include "protocol/ws_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace odin::protocol::ws {
namespace {

constexpr uint8_t fin_bit = 0x80;
constexpr uint8_t default_mask[4] = {0x37, 0xfa, 0x21, 0x3d};

// A client frame: byte0 = FIN/RSV/opcode as given, masked with `mask` unless `masked` is false.
std::string client_frame(uint8_t byte0, std::string_view payload, bool masked = true,
                         const uint8_t (&mask)[4] = default_mask) {
  std::string f(1, static_cast<char>(byte0));
  const uint8_t mask_bit = masked ? 0x80 : 0;
  const std::size_t n = payload.size();
  if (n < 126) {
    f += static_cast<char>(mask_bit | n);
  } else if (n <= 0xFFFF) {
    f += static_cast<char>(mask_bit | 126);
    f += static_cast<char>(n >> 8);
    f += static_cast<char>(n & 0xFF);
  } else {
    f += static_cast<char>(mask_bit | 127);
    for (int i = 7; i >= 0; --i) f += static_cast<char>(static_cast<uint64_t>(n) >> (8 * i));
  }
  if (!masked) return f + std::string(payload);
  f.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < n; ++i) f += static_cast<char>(payload[i] ^ mask[i % 4]);
  return f;
}

std::string text(std::string_view payload, bool fin = true) {
  return client_frame((fin ? fin_bit : 0) | 0x1, payload);
}

struct parsed {
  parse_status status;
  std::vector<std::pair<opcode, std::string>> messages;
  std::vector<uint16_t> close_codes;
};

// Feeds `input` in chunks of `chunk` bytes (0 = all at once), collecting every message until
// the input is used up or the parser fails.
parsed feed(frame_parser& p, std::string_view input, std::size_t chunk = 0) {
  parsed r{parse_status::need_more, {}, {}};
  if (chunk == 0) chunk = input.size() + 1;
  while (true) {
    std::string_view piece = input.substr(0, chunk);
    input.remove_prefix(piece.size());
    message m;
    while ((r.status = p.parse(piece, m)) == parse_status::message_ready) {
      r.messages.emplace_back(m.op, std::string(m.payload));
      r.close_codes.push_back(m.close_code);
    }
    if (r.status != parse_status::need_more) return r;
    EXPECT_TRUE(piece.empty());
    if (input.empty()) return r;
  }
}

parse_status status_of(std::string_view input, std::size_t max_bytes = 1024) {
  frame_parser p(max_bytes);
  return feed(p, input).status;
}

TEST(Handshake, AcceptKeyMatchesRfc6455Example) {
  // RFC 6455 section 1.3.
  EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(Writer, HeaderLengthEncodings) {
  char h[max_header_size];
  ASSERT_EQ(write_header(opcode::text, 0, h), 2u);
  EXPECT_EQ(static_cast<uint8_t>(h[0]), 0x81);
  EXPECT_EQ(static_cast<uint8_t>(h[1]), 0);
  ASSERT_EQ(write_header(opcode::binary, 125, h), 2u);
  EXPECT_EQ(static_cast<uint8_t>(h[0]), 0x82);
  EXPECT_EQ(static_cast<uint8_t>(h[1]), 125);
  ASSERT_EQ(write_header(opcode::text, 126, h), 4u);
  EXPECT_EQ(std::string(h + 1, 3), std::string("\x7e\x00\x7e", 3));
  ASSERT_EQ(write_header(opcode::text, 65535, h), 4u);
  EXPECT_EQ(std::string(h + 1, 3), std::string("\x7e\xff\xff", 3));
  ASSERT_EQ(write_header(opcode::pong, 65536, h), 10u);
  EXPECT_EQ(static_cast<uint8_t>(h[0]), 0x8A);
  EXPECT_EQ(std::string(h + 1, 9), std::string("\x7f\0\0\0\0\0\x01\0\0", 9));
  ASSERT_EQ(write_header(opcode::text, 0x0102030405ull, h), 10u);
  EXPECT_EQ(std::string(h + 2, 8), std::string("\0\0\0\x01\x02\x03\x04\x05", 8));
}

TEST(Writer, FramesAreUnmaskedFinal) {
  EXPECT_EQ(make_frame(opcode::text, "hi"), std::string("\x81\x02hi", 4));
  const std::string big(70000, 'z');
  const std::string f = make_frame(opcode::text, big);
  ASSERT_EQ(f.size(), 10 + big.size());
  EXPECT_EQ(f.substr(10), big);
  EXPECT_EQ(static_cast<uint8_t>(f[1]) & 0x80, 0);  // never masked
}

TEST(Writer, CloseFrameCarriesCodeAndFitsAControlFrame) {
  EXPECT_EQ(make_close_frame(close_code::slow_client, "slow"),
            std::string("\x88\x06\x0f\xa8slow", 8));
  const std::string f = make_close_frame(close_code::going_away, std::string(300, 'r'));
  ASSERT_EQ(f.size(), 2u + 125u);
  EXPECT_EQ(static_cast<uint8_t>(f[1]), 125);
  // Cut at a UTF-8 boundary: 122 ASCII bytes then a 2-byte character straddling byte 123.
  const std::string g = make_close_frame(1000, std::string(122, 'a') + "\xc3\xa9");
  EXPECT_EQ(g.size(), 2u + 2u + 122u);
}

TEST(Parser, SingleTextFrameUnmasked) {
  frame_parser p(1024);
  const parsed r = feed(p, text("Hello"));
  EXPECT_EQ(r.status, parse_status::need_more);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].first, opcode::text);
  EXPECT_EQ(r.messages[0].second, "Hello");
}

TEST(Parser, UnmaskingIsRightForEveryLengthAndSplit) {
  std::string payload;
  for (int i = 0; i < 40; ++i) payload += static_cast<char>('a' + i % 26);
  const uint8_t mask[4] = {0x01, 0x80, 0xff, 0x5a};
  for (std::size_t n = 0; n <= payload.size(); ++n) {
    const std::string frame = client_frame(fin_bit | 0x2, payload.substr(0, n), true, mask);
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{7}}) {
      frame_parser p(1024);
      const parsed r = feed(p, frame, chunk);
      ASSERT_EQ(r.messages.size(), 1u) << n << "/" << chunk;
      EXPECT_EQ(r.messages[0].first, opcode::binary);
      EXPECT_EQ(r.messages[0].second, payload.substr(0, n)) << n << "/" << chunk;
    }
  }
}

TEST(Parser, ByteByByteGivesTheSameMessages) {
  const std::string stream = text("one") + client_frame(fin_bit | 0x9, "p") + text("") +
                             text("tw", false) + client_frame(0x0, "o") +
                             client_frame(fin_bit | 0x0, "!");
  frame_parser whole(1024);
  frame_parser bytes(1024);
  const parsed a = feed(whole, stream);
  const parsed b = feed(bytes, stream, 1);
  EXPECT_EQ(a.status, parse_status::need_more);
  EXPECT_EQ(b.status, parse_status::need_more);
  const std::vector<std::pair<opcode, std::string>> expected = {
      {opcode::text, "one"}, {opcode::ping, "p"}, {opcode::text, ""}, {opcode::text, "two!"}};
  EXPECT_EQ(a.messages, expected);
  EXPECT_EQ(b.messages, expected);
}

TEST(Parser, SixteenAndSixtyFourBitLengths) {
  const std::string mid(300, 'm');
  const std::string big(70000, 'b');
  frame_parser p(1 << 20);
  const parsed r = feed(p, text(mid) + client_frame(fin_bit | 0x2, big), 4096);
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].second, mid);
  EXPECT_EQ(r.messages[1].second, big);
  EXPECT_EQ(r.messages[1].first, opcode::binary);
}

TEST(Parser, SixtyFourBitLengthWithTopBitIsAnError) {
  std::string f = "\x81\xff";
  f += std::string("\x80\0\0\0\0\0\0\x01", 8);
  f += "mask";
  EXPECT_EQ(status_of(f, SIZE_MAX), parse_status::protocol_error);
}

TEST(Parser, FramingRulesAreEnforced) {
  EXPECT_EQ(status_of(client_frame(fin_bit | 0x1, "hi", false)), parse_status::protocol_error);
  for (uint8_t rsv : {0x40, 0x20, 0x10}) {
    EXPECT_EQ(status_of(client_frame(fin_bit | rsv | 0x1, "hi")), parse_status::protocol_error);
  }
  for (uint8_t op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    EXPECT_EQ(status_of(client_frame(fin_bit | op, "")), parse_status::protocol_error) << int(op);
  }
  EXPECT_EQ(status_of(client_frame(0x9, "p")), parse_status::protocol_error);  // control, no FIN
  EXPECT_EQ(status_of(client_frame(fin_bit | 0x9, std::string(126, 'p'))),
            parse_status::protocol_error);
  EXPECT_EQ(status_of(client_frame(fin_bit | 0x0, "x")), parse_status::protocol_error);
  EXPECT_EQ(status_of(text("a", false) + text("b")), parse_status::protocol_error);
  EXPECT_EQ(status_of(text("a", false) + client_frame(fin_bit | 0x2, "b")),
            parse_status::protocol_error);
}

TEST(Parser, ErrorsAreDetectedAsSoonAsTheFirstTwoBytesArrive) {
  frame_parser p(1024);
  std::string_view two("\x81\x05", 2);  // unmasked
  message m;
  EXPECT_EQ(p.parse(two, m), parse_status::protocol_error);
}

TEST(Parser, FailureIsFinal) {
  frame_parser p(1024);
  EXPECT_EQ(feed(p, client_frame(fin_bit | 0x1, "x", false)).status, parse_status::protocol_error);
  EXPECT_EQ(feed(p, text("fine")).status, parse_status::protocol_error);
  frame_parser q(4);
  EXPECT_EQ(feed(q, text("12345")).status, parse_status::too_big);
  EXPECT_EQ(feed(q, text("1")).status, parse_status::too_big);
}

TEST(Parser, ControlFrames) {
  frame_parser p(1024);
  const parsed r =
      feed(p, client_frame(fin_bit | 0x9, "are you there") + client_frame(fin_bit | 0xA, "") +
                  client_frame(fin_bit | 0x9, std::string(125, 'x')));
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.messages[0], std::make_pair(opcode::ping, std::string("are you there")));
  EXPECT_EQ(r.messages[1], std::make_pair(opcode::pong, std::string()));
  EXPECT_EQ(r.messages[2].second.size(), 125u);
}

TEST(Parser, CloseFrames) {
  frame_parser p(1024);
  const parsed r = feed(p, client_frame(fin_bit | 0x8, "") +
                               client_frame(fin_bit | 0x8, std::string("\x03\xe8"
                                                                       "bye",
                                                                       5)) +
                               client_frame(fin_bit | 0x8, std::string("\x0f\xa8", 2)));
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.close_codes, (std::vector<uint16_t>{1005, 1000, 4008}));
  EXPECT_EQ(r.messages[0], std::make_pair(opcode::close, std::string()));
  EXPECT_EQ(r.messages[1], std::make_pair(opcode::close, std::string("bye")));
  EXPECT_EQ(status_of(client_frame(fin_bit | 0x8, "\x03")), parse_status::protocol_error);
  for (uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 2999, 5000}) {
    const std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
    EXPECT_EQ(status_of(client_frame(fin_bit | 0x8, payload)), parse_status::protocol_error)
        << code;
  }
}

TEST(Parser, FragmentedMessagesWithInterleavedControlFrames) {
  frame_parser p(1024);
  const std::string stream = client_frame(0x2, "bin") + client_frame(fin_bit | 0x9, "ping") +
                             client_frame(0x0, "ary") + client_frame(fin_bit | 0xA, "") +
                             client_frame(fin_bit | 0x0, "!") + text("next");
  for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{5}}) {
    frame_parser q(1024);
    const parsed r = feed(q, stream, chunk);
    EXPECT_EQ(r.status, parse_status::need_more);
    const std::vector<std::pair<opcode, std::string>> expected = {{opcode::ping, "ping"},
                                                                  {opcode::pong, ""},
                                                                  {opcode::binary, "binary!"},
                                                                  {opcode::text, "next"}};
    EXPECT_EQ(r.messages, expected) << chunk;
  }
}

TEST(Parser, TooBigIsDecidedFromTheHeaderBeforeAnyPayload) {
  // Header only (2 + 2 + 4 bytes), announcing 1025 bytes: no payload byte is needed to refuse.
  frame_parser p(1024);
  std::string header = client_frame(fin_bit | 0x1, std::string(1025, 'x')).substr(0, 8);
  EXPECT_EQ(feed(p, header).status, parse_status::too_big);
  // Exactly at the limit is fine.
  frame_parser q(1024);
  const parsed ok = feed(q, text(std::string(1024, 'x')));
  ASSERT_EQ(ok.messages.size(), 1u);
  EXPECT_EQ(ok.messages[0].second.size(), 1024u);
  // 64-bit length far beyond memory: refused without allocating.
  std::string huge = "\x82\xff";
  huge += std::string("\x00\x00\x01\x00\x00\x00\x00\x00", 8);
  EXPECT_EQ(status_of(huge + "mask"), parse_status::too_big);
}

TEST(Parser, TooBigCountsEveryFragmentOfTheMessage) {
  frame_parser p(10);
  EXPECT_EQ(feed(p, text("123456", false) + client_frame(fin_bit | 0x0, "7890")).messages.size(),
            1u);
  frame_parser q(10);
  const std::string second_header = client_frame(0x0, "78901").substr(0, 6);
  const parsed r = feed(q, text("123456", false) + second_header);
  EXPECT_EQ(r.status, parse_status::too_big);
  // Control frames between fragments do not count towards the message size.
  frame_parser s(10);
  const parsed c = feed(s, text("12345", false) + client_frame(fin_bit | 0x9, "0123456789ab") +
                               client_frame(fin_bit | 0x0, "67890"));
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[1].second, "1234567890");
}

TEST(Parser, EmptyInputNeedsMore) {
  frame_parser p(1024);
  std::string_view empty;
  message m;
  EXPECT_EQ(p.parse(empty, m), parse_status::need_more);
}

TEST(Parser, ManyMessagesInOneBufferAdvanceTheInput) {
  frame_parser p(1024);
  const std::string stream = text("a") + text("bb") + text("ccc");
  std::string_view in = stream;
  message m;
  ASSERT_EQ(p.parse(in, m), parse_status::message_ready);
  EXPECT_EQ(m.payload, "a");
  EXPECT_EQ(in.size(), stream.size() - 7);
  ASSERT_EQ(p.parse(in, m), parse_status::message_ready);
  EXPECT_EQ(m.payload, "bb");
  ASSERT_EQ(p.parse(in, m), parse_status::message_ready);
  EXPECT_EQ(m.payload, "ccc");
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(p.parse(in, m), parse_status::need_more);
}

}  // namespace
}  // namespace odin::protocol::ws
