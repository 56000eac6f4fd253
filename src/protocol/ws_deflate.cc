#include "protocol/ws_deflate.h"

#include "protocol/ws_frame_header.h"

namespace odin::protocol::ws {
namespace {

// Raw DEFLATE (negative window bits: no zlib header or checksum), the full 32 KiB window.
constexpr int raw_window_bits = -15;
constexpr int mem_level = 8;
constexpr std::string_view sync_tail{"\x00\x00\xff\xff", 4};

}  // namespace

deflater::deflater(int level) : level_(level) {}

deflater::~deflater() {
  if (ready_) deflateEnd(&z_);
}

bool deflater::compress_frame(std::string_view payload, std::string& out) {
  if (!ready_) {
    if (deflateInit2(&z_, level_, Z_DEFLATED, raw_window_bits, mem_level, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      return false;
    }
    ready_ = true;
  } else if (deflateReset(&z_) != Z_OK) {  // no context takeover: every message alone
    return false;
  }
  scratch_.resize(deflateBound(&z_, static_cast<uLong>(payload.size())) + 16);
  z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(payload.data()));
  z_.avail_in = static_cast<uInt>(payload.size());
  std::size_t produced = 0;
  for (;;) {
    z_.next_out = reinterpret_cast<Bytef*>(scratch_.data() + produced);
    z_.avail_out = static_cast<uInt>(scratch_.size() - produced);
    const int rc = deflate(&z_, Z_SYNC_FLUSH);
    produced = scratch_.size() - z_.avail_out;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return false;
    if (z_.avail_in == 0 && z_.avail_out > 0) break;  // everything in, flushed to the marker
    scratch_.resize(scratch_.size() * 2);
  }
  const std::string_view body(scratch_.data(), produced);
  if (body.size() < sync_tail.size() || body.substr(body.size() - sync_tail.size()) != sync_tail) {
    return false;
  }
  const std::size_t size = body.size() - sync_tail.size();
  char header[max_header_size];
  const std::size_t header_size = write_frame_header(header, opcode::text, size, false);
  header[0] = static_cast<char>(static_cast<uint8_t>(header[0]) | rsv1_bit);
  out.append(header, header_size).append(body.substr(0, size));
  return true;
}

}  // namespace odin::protocol::ws
