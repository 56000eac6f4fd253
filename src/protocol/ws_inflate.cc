#include "protocol/ws_inflate.h"

#include <algorithm>
#include <cstdint>

namespace odin::protocol::ws {
namespace {

constexpr int raw_window_bits = -15;
constexpr std::string_view sync_tail{"\x00\x00\xff\xff", 4};
constexpr std::size_t first_chunk = 4096;

}  // namespace

inflater::~inflater() {
  if (ready_) inflateEnd(&z_);
}

bool inflater::start() {
  if (ready_) return inflateReset(&z_) == Z_OK;
  z_.zalloc = Z_NULL;
  z_.zfree = Z_NULL;
  z_.next_in = Z_NULL;
  z_.avail_in = 0;
  if (inflateInit2(&z_, raw_window_bits) != Z_OK) return false;
  ready_ = true;
  return true;
}

// Feeds the message, then the 00 00 ff ff its sender removed (RFC 7692 §7.2.2); output grows
// in steps up to max_bytes + 1, which is where "too big" is decided. Every turn of the loop
// consumes input, produces output or grows the buffer, and both are bounded.
inflate_status inflater::inflate_message(std::string_view compressed, std::size_t max_bytes,
                                         std::string& out) {
  out.clear();
  if (!start()) return inflate_status::corrupt;
  const std::size_t limit = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
  std::string_view pending = compressed;
  bool tail_fed = false;
  std::size_t produced = 0;
  for (;;) {
    if (pending.empty() && !tail_fed) {
      pending = sync_tail;
      tail_fed = true;
    }
    if (produced == out.size()) {
      if (out.size() >= limit) return inflate_status::too_big;
      out.resize(std::min(limit, std::max(first_chunk, out.size() * 2)));
    }
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(pending.data()));
    z_.avail_in = static_cast<uInt>(pending.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z_.avail_out = static_cast<uInt>(out.size() - produced);
    const int rc = inflate(&z_, Z_SYNC_FLUSH);
    pending.remove_prefix(pending.size() - z_.avail_in);
    produced = out.size() - z_.avail_out;
    if (produced > max_bytes) return inflate_status::too_big;
    if (rc == Z_STREAM_END) {
      // A final block (a sender that used Z_FINISH): only our own tail may follow it.
      if (!tail_fed && !pending.empty()) return inflate_status::corrupt;
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) return inflate_status::corrupt;
    const bool all_in = tail_fed && pending.empty();
    if (all_in && z_.avail_out > 0) break;  // everything in and flushed
    if (rc == Z_BUF_ERROR && z_.avail_out > 0 && !pending.empty()) {
      return inflate_status::corrupt;  // no progress possible
    }
  }
  out.resize(produced);
  return inflate_status::ok;
}

}  // namespace odin::protocol::ws
