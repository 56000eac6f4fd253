// Fuzzes the permessage-deflate read path (RFC 7692): client frames through the frame parser
// with compression negotiated, each compressed message through the bounded inflater, and the
// inflater alone on the raw stream. Input: byte 0 picks the message size limit, byte 1 the
// chunk size, the rest is the client byte stream. Besides the sanitizers, it checks:
// - an inflated message is never over the limit; a failure leaves nothing half-trusted;
// - inflating is a function of its input (the same bytes twice: the same status and output,
//   so no state leaks from one message into the next);
// - what inflated, compressed again by the gateway's deflater, inflates back to itself;
// - RSV1 reaches the caller only on data messages.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_require.h"
#include "protocol/ws_codec.h"
#include "protocol/ws_deflate.h"
#include "protocol/ws_inflate.h"

namespace {

using namespace odin::protocol::ws;

using ::odin::fuzz::require;

inflater& shared_inflater() {
  static inflater i;  // reused across inputs, as a gateway shard reuses its own
  return i;
}

void check_inflate(std::string_view compressed, std::size_t max_bytes) {
  std::string first;
  std::string second;
  const inflate_status s1 = shared_inflater().inflate_message(compressed, max_bytes, first);
  const inflate_status s2 = shared_inflater().inflate_message(compressed, max_bytes, second);
  require(s1 == s2, "inflate status depends on the previous message");
  if (s1 != inflate_status::ok) return;
  require(first == second, "inflated bytes depend on the previous message");
  require(first.size() <= max_bytes, "inflated past the limit");
  static deflater d(1);
  std::string frame;
  require(d.compress_frame(first, frame), "deflater refused");
  const std::size_t len7 = static_cast<uint8_t>(frame[1]) & 0x7F;
  const std::size_t header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
  std::string back;
  require(shared_inflater().inflate_message(std::string_view(frame).substr(header), max_bytes,
                                            back) == inflate_status::ok,
          "own deflate output does not inflate");
  require(back == first, "deflate/inflate round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return -1;
  static constexpr std::size_t limits[] = {0, 1, 16, 125, 1000, 4096, 65536, 1 << 20};
  const std::size_t max_bytes = limits[data[0] % std::size(limits)];
  const std::size_t chunk = 1 + data[1] % 64;
  std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);

  check_inflate(input, max_bytes);  // the inflater alone, on the raw bytes

  frame_parser parser(max_bytes);
  parser.allow_compressed(true);
  while (!input.empty()) {
    std::string_view piece = input.substr(0, chunk);
    input.remove_prefix(piece.size());
    message m;
    parse_status s;
    while ((s = parser.parse(piece, m)) == parse_status::message_ready) {
      const bool data_message = m.op == opcode::text || m.op == opcode::binary;
      require(!m.compressed || data_message, "RSV1 on a control message");
      if (m.compressed) check_inflate(m.payload, max_bytes);
    }
    if (s != parse_status::need_more) break;
  }
  return 0;
}
