#include "protocol/position.h"

#include <charconv>
#include <cstring>
#include <limits>

namespace odin::protocol {
namespace {

constexpr uint32_t fnv_offset = 2166136261u;
constexpr uint32_t fnv_prime = 16777619u;

uint32_t fnv(uint32_t h, std::string_view bytes) {
  for (const char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= fnv_prime;
  }
  return h;
}

// A decimal without sign or leading zeros ("0" itself is fine), within [0, max].
template <class Int>
std::optional<Int> parse_decimal(std::string_view s, Int max) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  Int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0 || v > max) return std::nullopt;
  return v;
}

std::optional<uint32_t> parse_check(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  uint32_t v = 0;
  for (const char c : s) {
    const bool digit = c >= '0' && c <= '9';
    const bool letter = c >= 'a' && c <= 'f';
    if (!digit && !letter) return std::nullopt;
    v = v * 16 + static_cast<uint32_t>(digit ? c - '0' : c - 'a' + 10);
  }
  return v;
}

}  // namespace

uint32_t record_check(std::string_view key, int64_t timestamp_ms, std::string_view value) {
  char ts[8];
  for (int i = 0; i < 8; ++i) ts[i] = static_cast<char>((timestamp_ms >> (8 * i)) & 0xff);
  uint32_t h = fnv(fnv_offset, key);
  h = fnv(h, {ts, sizeof ts});
  return fnv(h, value);
}

std::size_t write_position(const stream_position& p, char* out) {
  static constexpr char hex[] = "0123456789abcdef";
  char* const begin = out;
  const std::string_view kind = model::to_string(p.kind);
  std::memcpy(out, kind.data(), kind.size());
  out += kind.size();
  *out++ = ':';
  out = std::to_chars(out, out + 10, p.partition).ptr;
  *out++ = ':';
  out = std::to_chars(out, out + 19, p.offset).ptr;
  *out++ = ':';
  for (int shift = 28; shift >= 0; shift -= 4) *out++ = hex[(p.check >> shift) & 0xf];
  return static_cast<std::size_t>(out - begin);
}

std::optional<stream_position> parse_position(std::string_view text) {
  if (text.size() > max_position_size) return std::nullopt;
  std::string_view parts[4];
  for (int i = 0; i < 3; ++i) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  parts[3] = text;
  const auto kind = model::parse_kind(parts[0]);
  const auto partition = parse_decimal<int32_t>(parts[1], std::numeric_limits<int32_t>::max());
  const auto offset = parse_decimal<int64_t>(parts[2], std::numeric_limits<int64_t>::max());
  const auto check = parse_check(parts[3]);
  if (!kind || !partition || !offset || !check) return std::nullopt;
  return stream_position{*kind, *partition, *offset, *check};
}

}  // namespace odin::protocol
