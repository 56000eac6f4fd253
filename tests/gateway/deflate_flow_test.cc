// permessage-deflate over the wire (RFC 7692): a raw client that offers it gets RSV1 event
// frames that inflate (zlib, independently of the gateway's code) to the exact envelope, one
// compressed frame per shard shared by every compressing client, tiny frames plain, and its own
// compressed requests understood; a client that did not offer it gets plain frames; a
// compressed message past the size limit, bad DEFLATE data or RSV1 without negotiation close
// the connection; WS_COMPRESSION=off answers without the extension. Beast's client (its own
// permessage-deflate) is a second, independent peer.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

#include "gateway/gateway_fixture.h"
#include "support/raw_deflate.h"

namespace odin::gateway::test {
namespace {

using model::kind;
using namespace std::chrono_literals;

constexpr std::string_view sync_tail = ::odin::test::deflate_sync_tail;

using ::odin::test::raw_deflate;

std::string raw_inflate(std::string_view in) {
  std::string input(in);
  input.append(sync_tail);
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, -15), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(input.data());
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_SYNC_FLUSH);
  EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << rc;
  out.resize(out.size() - z.avail_out);
  inflateEnd(&z);
  return out;
}

// A WebSocket client on a plain socket, to see the frames' first byte (RSV1) and raw bytes.
// Every read is bounded by a 5 s receive timeout.
class raw_client {
 public:
  struct frame {
    uint8_t byte0 = 0;  // 0 = no frame (timeout or connection closed)
    std::string payload;
  };

  raw_client(uint16_t port, std::string_view extensions) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    std::string req =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (!extensions.empty()) req += "Sec-WebSocket-Extensions: " + std::string(extensions) + "\r\n";
    req += "\r\n";
    send_all(req);
    while (buf_.find("\r\n\r\n") == std::string::npos && fill()) {
    }
    const std::size_t end = buf_.find("\r\n\r\n");
    if (end == std::string::npos) return;
    response_ = buf_.substr(0, end + 4);
    buf_.erase(0, end + 4);
  }
  ~raw_client() { ::close(fd_); }

  const std::string& response() const { return response_; }

  // A masked frame with `byte0` as given (FIN, RSV, opcode).
  void send_frame(uint8_t byte0, std::string_view payload) {
    std::string f(1, static_cast<char>(byte0));
    const std::size_t n = payload.size();
    if (n < 126) {
      f += static_cast<char>(0x80 | n);
    } else {
      f += static_cast<char>(0x80 | 126);
      f += static_cast<char>(n >> 8);
      f += static_cast<char>(n & 0xFF);
    }
    const std::array<uint8_t, 4> mask = {0x12, 0x34, 0x56, 0x78};
    f.append(reinterpret_cast<const char*>(mask.data()), 4);
    for (std::size_t i = 0; i < n; ++i) f += static_cast<char>(payload[i] ^ mask[i % 4]);
    send_all(f);
  }

  frame read_frame() {
    while (buf_.size() < 2 && fill()) {
    }
    if (buf_.size() < 2) return {};
    const auto len7 = static_cast<uint8_t>(buf_[1] & 0x7F);
    const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    while (buf_.size() < 2 + ext && fill()) {
    }
    if (buf_.size() < 2 + ext) return {};
    uint64_t size = len7;
    if (ext > 0) {
      size = 0;
      for (std::size_t i = 0; i < ext; ++i) size = (size << 8) | static_cast<uint8_t>(buf_[2 + i]);
    }
    while (buf_.size() < 2 + ext + size && fill()) {
    }
    if (buf_.size() < 2 + ext + size) return {};
    frame f{static_cast<uint8_t>(buf_[0]), buf_.substr(2 + ext, size)};
    buf_.erase(0, 2 + ext + size);
    return f;
  }

 private:
  void send_all(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  bool fill() {
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
  std::string response_;
};

constexpr std::string_view chromium_offer = "permessage-deflate; client_max_window_bits";
constexpr std::string_view accepted =
    "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; "
    "client_no_context_takeover\r\n";

// A trade body: the envelope is well past the tests' WS_COMPRESSION_MIN_BYTES (256).
const std::string trade_body =
    R"({"price":101.53,"volume":3.25,"side":"buy","amount":329.97,"trader":"0x9f3a2b11c4d5e6f7)"
    R"(a8b9c0d1e2f3a4b5c6d7e8f9","txHash":"0x5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e)"
    R"(0f1a2b3c4d5e6f7a8"})";

uint16_t close_code_of(const raw_client::frame& f) {
  if (f.byte0 != 0x88 || f.payload.size() < 2) return 0;
  return static_cast<uint16_t>((static_cast<uint8_t>(f.payload[0]) << 8) |
                               static_cast<uint8_t>(f.payload[1]));
}

class DeflateFlow : public gateway_fixture {
 protected:
  void start_one_shard(options o = test_options()) {
    o.io_threads = 1;  // every client on the same shard
    o.compression_min_bytes = 256;
    start(o);
  }
};

TEST_F(DeflateFlow, CompressingClientsShareOneCompressedFrameAndAPlainClientGetsText) {
  start_one_shard();
  raw_client a(port(), chromium_offer);
  raw_client b(port(), "permessage-deflate");
  ASSERT_NE(a.response().find(accepted), std::string::npos) << a.response();
  ASSERT_NE(b.response().find(accepted), std::string::npos) << b.response();
  auto plain = connect_client();
  EXPECT_EQ(plain->extensions(), "");

  // a compresses its subscribe; b does not (RSV1 is per message). Replies go plain.
  a.send_frame(0x80 | 0x40 | 0x1, raw_deflate(R"({"type":"subscribe","channels":["BTC.trade"]})"));
  b.send_frame(0x81, R"({"type":"subscribe","channels":["BTC.trade"]})");
  for (raw_client* c : {&a, &b}) {
    const raw_client::frame reply = c->read_frame();
    ASSERT_EQ(reply.byte0, 0x81);
    EXPECT_EQ(nlohmann::json::parse(reply.payload)["type"], "subscribed") << reply.payload;
  }
  ASSERT_EQ(request(*plain, R"({"type":"subscribe","channels":["BTC.trade"]})")["type"],
            "subscribed");

  const pushed big = push(kind::trade, "BTC", trade_body);
  ASSERT_GE(big.text.size(), 256u);
  const raw_client::frame fa = a.read_frame();
  const raw_client::frame fb = b.read_frame();
  EXPECT_EQ(fa.byte0, 0x80 | 0x40 | 0x1);  // FIN, RSV1, text
  EXPECT_EQ(fb.byte0, fa.byte0);
  EXPECT_EQ(fa.payload, fb.payload);  // the same compressed bytes
  EXPECT_LT(fa.payload.size(), big.text.size());
  EXPECT_EQ(raw_inflate(fa.payload), big.text);
  EXPECT_EQ(plain->read_text(), big.text);

  // Under WS_COMPRESSION_MIN_BYTES: plain, to compressing clients too.
  const pushed tiny = push(kind::trade, "BTC", "1");
  ASSERT_LT(tiny.text.size(), 256u);
  const raw_client::frame ta = a.read_frame();
  EXPECT_EQ(ta.byte0, 0x81);
  EXPECT_EQ(ta.payload, tiny.text);
  EXPECT_EQ(plain->read_text(), tiny.text);

  // One deflate call for two compressing deliveries; the tiny frame was not compressed.
  EXPECT_EQ(metric("ws_compressed_frames_total"), 1);
  EXPECT_EQ(metric("ws_deflate_connections_total"), 2);
  EXPECT_EQ(metric("ws_inflated_messages_total"), 1);
  EXPECT_EQ(metric("ws_compression_bytes_out_total"), static_cast<double>(fa.payload.size() + 4));
  EXPECT_GT(metric("ws_compression_bytes_in_total"), metric("ws_compression_bytes_out_total"));
}

TEST_F(DeflateFlow, CompressionOffAnswersWithoutTheExtensionAndSendsPlainFrames) {
  options o = test_options();
  o.compression = false;
  start_one_shard(o);
  raw_client a(port(), chromium_offer);
  ASSERT_NE(a.response().find("101"), std::string::npos);
  EXPECT_EQ(a.response().find("Sec-WebSocket-Extensions"), std::string::npos) << a.response();
  a.send_frame(0x81, R"({"type":"subscribe","channels":["BTC.trade"]})");
  ASSERT_EQ(a.read_frame().byte0, 0x81);
  const pushed big = push(kind::trade, "BTC", trade_body);
  const raw_client::frame f = a.read_frame();
  EXPECT_EQ(f.byte0, 0x81);
  EXPECT_EQ(f.payload, big.text);
  // And a compressed message is then a protocol error.
  a.send_frame(0xC1, raw_deflate(R"({"type":"ping"})"));
  EXPECT_EQ(close_code_of(a.read_frame()), 1002);
}

TEST_F(DeflateFlow, CompressedMessageInflatingPastTheLimitClosesWith1009) {
  options o = test_options();
  o.max_message_bytes = 4096;
  start_one_shard(o);
  raw_client a(port(), chromium_offer);
  const std::string bomb = raw_deflate(std::string(1 << 20, ' '));  // 1 MiB of spaces
  ASSERT_LT(bomb.size(), 4096u);                                    // small on the wire
  a.send_frame(0xC1, bomb);
  EXPECT_EQ(close_code_of(a.read_frame()), 1009);
}

TEST_F(DeflateFlow, BadDeflateDataClosesWith1007) {
  start_one_shard();
  raw_client a(port(), chromium_offer);
  a.send_frame(0xC1, "\xff\xff\xff\xff not deflate");
  EXPECT_EQ(close_code_of(a.read_frame()), 1007);
}

TEST_F(DeflateFlow, Rsv1WithoutNegotiationIsAProtocolError) {
  start_one_shard();
  raw_client a(port(), "");
  EXPECT_EQ(a.response().find("Sec-WebSocket-Extensions"), std::string::npos);
  a.send_frame(0xC1, raw_deflate(R"({"type":"ping"})"));
  EXPECT_EQ(close_code_of(a.read_frame()), 1002);
}

TEST_F(DeflateFlow, BeastClientWithDeflateRoundTrips) {
  start();
  ws_client c(port());
  c.offer_deflate();  // Beast compresses what it sends and inflates what it gets
  ASSERT_EQ(c.connect(), 101);
  EXPECT_NE(c.extensions().find("permessage-deflate"), std::string::npos);
  ASSERT_EQ(request(c, R"({"type":"subscribe","channels":["ETH.trade"]})")["type"], "subscribed");
  const pushed big = push(kind::trade, "ETH", trade_body);
  EXPECT_EQ(c.read_text(), big.text);
  EXPECT_GE(metric("ws_inflated_messages_total"), 1);
  EXPECT_GE(metric("ws_compressed_frames_total"), 1);
}

}  // namespace
}  // namespace odin::gateway::test
