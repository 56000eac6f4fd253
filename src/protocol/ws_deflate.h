#pragma once
// permessage-deflate (RFC 7692), the sending side: raw DEFLATE (no zlib header) of one whole
// message with no context takeover, so every compressed message stands alone and its bytes can
// be shared by every receiver that negotiated the extension. One deflater per thread (a gateway
// shard), reset per message; about 256 KiB of zlib state, allocated on first use.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <zlib.h>

namespace odin::protocol::ws {

class deflater {
 public:
  // `level`: zlib's 1 (fastest) .. 9 (smallest).
  explicit deflater(int level);
  ~deflater();
  deflater(const deflater&) = delete;
  deflater& operator=(const deflater&) = delete;

  // Appends to `out` a whole unmasked text frame carrying `payload` compressed: header with
  // FIN, RSV1 and the compressed length, then the DEFLATE bytes without the final empty stored
  // block's 00 00 ff ff (RFC 7692 §7.2.1). Returns false (out unchanged) when zlib fails.
  bool compress_frame(std::string_view payload, std::string& out);

 private:
  z_stream z_{};
  bool ready_ = false;
  int level_;
  std::string scratch_;  // compressed payload, reused
};

}  // namespace odin::protocol::ws
