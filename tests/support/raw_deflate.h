#pragma once
// Independent zlib reference for permessage-deflate tests (RFC 7692): what a browser sends and
// what a client must be able to inflate, computed with zlib directly rather than with the code
// under test. Header-only; the including test links zlib.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <string_view>

namespace odin::test {

inline constexpr std::string_view deflate_sync_tail{"\x00\x00\xff\xff", 4};

// Raw DEFLATE of `in` (level 6): Z_SYNC_FLUSH with the trailing 00 00 ff ff removed (what
// browsers send), or Z_FINISH kept whole.
inline std::string raw_deflate(std::string_view in, int flush = Z_SYNC_FLUSH) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, in.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, flush);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  if (flush == Z_SYNC_FLUSH) {
    EXPECT_EQ(out.substr(out.size() - deflate_sync_tail.size()), deflate_sync_tail);
    out.resize(out.size() - deflate_sync_tail.size());
  }
  return out;
}

}  // namespace odin::test
