// Fuzzes the RFC 6455 frame parser and writer. Input: byte 0 picks the message size limit,
// byte 1 the chunk size, the rest is the client byte stream. Besides the sanitizers, it checks:
// - feeding the stream whole or in chunks yields the same messages and the same final status;
// - messages respect the limits (data <= max_message_bytes, control <= 125, no continuation);
// - a server frame (make_frame) re-masked with a zero key parses back to its payload.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <tuple>
#include <vector>

#include "fuzz_require.h"
#include "protocol/ws_codec.h"

namespace {

using namespace odin::protocol::ws;

using ::odin::fuzz::require;

using event = std::tuple<opcode, std::string, uint16_t>;

struct outcome {
  std::vector<event> events;
  parse_status status = parse_status::need_more;
};

outcome run(std::size_t max_bytes, std::string_view input, std::size_t chunk) {
  frame_parser parser(max_bytes);
  outcome out;
  while (true) {
    std::string_view piece = input.substr(0, chunk);
    input.remove_prefix(piece.size());
    message m;
    while ((out.status = parser.parse(piece, m)) == parse_status::message_ready) {
      require(m.op != opcode::continuation, "continuation delivered");
      const bool control = (static_cast<uint8_t>(m.op) & 0x8) != 0;
      require(m.payload.size() <= (control ? 125 : max_bytes), "message over its limit");
      require((m.op == opcode::close) == (m.close_code != 0), "close code");
      out.events.emplace_back(m.op, std::string(m.payload), m.close_code);
    }
    if (out.status != parse_status::need_more) return out;
    require(piece.empty(), "need_more with input left");
    if (input.empty()) return out;
  }
}

// The server frame for `payload`, turned into a client frame with an all-zero masking key.
void check_writer(std::string_view payload) {
  const std::string frame = make_frame(opcode::binary, payload);
  const std::size_t header = frame.size() - payload.size();
  std::string client = frame.substr(0, header);
  client[1] = static_cast<char>(static_cast<uint8_t>(client[1]) | 0x80);
  client.append(4, '\0');
  client.append(payload);
  const outcome o = run(payload.size(), client, client.size());
  require(o.events.size() == 1 && std::get<1>(o.events[0]) == payload, "writer round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return -1;
  static constexpr std::size_t limits[] = {0, 1, 16, 125, 126, 1000, 65536, 1 << 20};
  const std::size_t max_bytes = limits[data[0] % std::size(limits)];
  const std::size_t chunk = 1 + data[1] % 64;
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);

  const outcome whole = run(max_bytes, stream, stream.size() + 1);
  const outcome chunked = run(max_bytes, stream, chunk);
  require(whole.status == chunked.status, "status depends on chunking");
  require(whole.events == chunked.events, "messages depend on chunking");

  check_writer(stream);
  require(accept_key(stream.substr(0, 64)).size() == 28, "accept key size");
  return 0;
}
