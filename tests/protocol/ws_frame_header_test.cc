// The RFC 6455 vocabulary both codecs share: length encoding at each boundary, and frames the
// load tester's client codec writes are read back by the server's parser (and vice versa).
#include "protocol/ws_frame_header.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "loadtest/ws_client_codec.h"
#include "protocol/ws_codec.h"

namespace odin::protocol::ws {
namespace {

TEST(WsFrameHeader, ShortestLengthEncodingAtEachBoundary) {
  struct row {
    uint64_t size;
    std::size_t header;
    uint8_t length7;
  };
  for (const row r : {row{0, 2, 0}, row{125, 2, 125}, row{126, 4, 126}, row{0xFFFF, 4, 126},
                      row{0x10000, 10, 127}, row{uint64_t{1} << 40, 10, 127}}) {
    for (const bool masked : {false, true}) {
      char out[max_header_size];
      const std::size_t n = write_frame_header(out, opcode::binary, r.size, masked);
      EXPECT_EQ(n, r.header) << r.size;
      EXPECT_EQ(static_cast<uint8_t>(out[0]), fin_bit | 0x2);
      const auto b1 = static_cast<uint8_t>(out[1]);
      EXPECT_EQ((b1 & mask_bit) != 0, masked);
      EXPECT_EQ(b1 & length7_bits, r.length7);
      EXPECT_EQ(2 + extended_length_bytes(r.length7), n);
      EXPECT_EQ(decode_length(r.length7, reinterpret_cast<const uint8_t*>(out) + 2), r.size);
    }
  }
}

TEST(WsFrameHeader, ControlAndKnownOpcodes) {
  EXPECT_TRUE(is_control(opcode::close));
  EXPECT_TRUE(is_control(opcode::ping));
  EXPECT_TRUE(is_control(opcode::pong));
  EXPECT_FALSE(is_control(opcode::text));
  EXPECT_FALSE(is_control(opcode::continuation));
  for (uint8_t op = 0; op < 16; ++op) {
    EXPECT_EQ(is_known_opcode(op), op <= 2 || (op >= 8 && op <= 10)) << int(op);
  }
}

TEST(WsFrameHeader, ClientFramesParseOnTheServerAtEveryLengthForm) {
  for (const std::size_t size : {0u, 125u, 126u, 0xFFFFu, 0x10000u}) {
    const std::string payload(size, 'x');
    std::string wire;
    loadtest::ws::append_frame(wire, opcode::text, payload, 0x11223344u);
    frame_parser parser(1 << 20);
    std::string_view in = wire;
    message m;
    ASSERT_EQ(parser.parse(in, m), parse_status::message_ready) << size;
    EXPECT_EQ(m.op, opcode::text);
    EXPECT_EQ(m.payload, payload);
    EXPECT_TRUE(in.empty());
  }
}

TEST(WsFrameHeader, ServerFramesReadByTheClientAtEveryLengthForm) {
  for (const std::size_t size : {0u, 125u, 126u, 0xFFFFu, 0x10000u}) {
    const std::string frame = make_frame(opcode::binary, std::string(size, 'y'));
    loadtest::ws::frame_header h;
    ASSERT_EQ(loadtest::ws::read_header(frame.data(), frame.size(), h),
              loadtest::ws::header_status::ok);
    EXPECT_EQ(h.op, opcode::binary);
    EXPECT_TRUE(h.fin);
    EXPECT_EQ(h.header_size + h.payload_size, frame.size());
    EXPECT_EQ(h.payload_size, size);
  }
}

}  // namespace
}  // namespace odin::protocol::ws
