#pragma once
// permessage-deflate (RFC 7692), the receiving side: inflates one compressed message (raw
// DEFLATE, the sender's trailing 00 00 ff ff appended back) with a fresh window per message
// (client_no_context_takeover is always negotiated), bounded by a maximum output size so a
// small message cannot expand into a huge one (a "zip bomb"). An untrusted-input boundary:
// never throws, fuzzed with the frame parser (fuzz/fuzz_ws_inflate.cc). One inflater per
// thread is enough: each call is one whole message. zlib state (~40 KiB) allocated on first use.
#include <cstddef>
#include <string>
#include <string_view>

#include <zlib.h>

namespace odin::protocol::ws {

enum class inflate_status : uint8_t {
  ok,
  too_big,  // the message inflates past `max_bytes`: close 1009, like an oversized message
  corrupt,  // not valid DEFLATE, or data after its end: close 1007
};

class inflater {
 public:
  inflater() = default;
  ~inflater();
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;

  // Replaces `out` with the inflated `compressed` message. `out` keeps its capacity.
  inflate_status inflate_message(std::string_view compressed, std::size_t max_bytes,
                                 std::string& out);

 private:
  bool start();  // inflateInit2 on first use, inflateReset after
  z_stream z_{};
  bool ready_ = false;
};

}  // namespace odin::protocol::ws
