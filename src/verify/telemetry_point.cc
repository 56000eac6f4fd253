#include "verify/telemetry_point.h"

namespace odin::verify {

std::string_view name_of(invalid_reason r) {
  switch (r) {
    case invalid_reason::bad_magic:
      return "bad_magic";
    case invalid_reason::wrong_schema_id:
      return "wrong_schema_id";
    case invalid_reason::undecodable:
      return "undecodable";
    case invalid_reason::trailing_bytes:
      return "trailing_bytes";
    case invalid_reason::bad_utf8:
      return "bad_utf8";
    case invalid_reason::not_json:
      return "not_json";
    case invalid_reason::json_mismatch:
      return "json_mismatch";
    case invalid_reason::key_mismatch:
      return "key_mismatch";
  }
  return "unknown";
}

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<uint8_t>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (text.size() - i <= static_cast<std::size_t>(extra)) return false;  // cut short
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<uint8_t>(text[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t min_of[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_of[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

}  // namespace odin::verify
