#pragma once
// JSON string escaping, the one escaper of the code base: the client protocol's and the
// publisher's replies (append_json_string) and the JSON log lines (common/log.cc).
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace odin {

// What to do with bytes >= 0x80 that are not well-formed UTF-8.
enum class invalid_utf8 {
  copy,     // copy every byte as it is (the text is known to be UTF-8: fast path)
  replace,  // each malformed byte becomes \ufffd (text of unknown origin, e.g. log messages)
};

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 if it is malformed
// (bad lead byte, missing continuation, overlong form, surrogate, above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// Appends `s` to `out` as the inside of a JSON string literal (no quotes): '"', '\\' and the
// control characters < 0x20 are escaped (\n \r \t \b \f, the others as \u00XX). `Out` is any
// buffer with append(const char*, const char*): std::string, fmt::memory_buffer.
template <class Out>
void append_json_escaped(Out& out, std::string_view s, invalid_utf8 mode = invalid_utf8::copy) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto put = [&](std::string_view piece) {
    out.append(piece.data(), piece.data() + piece.size());
  };
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 && mode == invalid_utf8::replace) {
      const std::size_t n = utf8_sequence_length(s, i);
      if (n != 0) {
        i += n;
        continue;
      }
      put(s.substr(run, i - run));
      put("\\ufffd");
      run = ++i;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    put(s.substr(run, i - run));
    run = ++i;
    switch (c) {
      case '"':
        put("\\\"");
        break;
      case '\\':
        put("\\\\");
        break;
      case '\n':
        put("\\n");
        break;
      case '\r':
        put("\\r");
        break;
      case '\t':
        put("\\t");
        break;
      case '\b':
        put("\\b");
        break;
      case '\f':
        put("\\f");
        break;
      default: {
        const std::array<char, 6> u = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
        put(std::string_view(u.data(), u.size()));
      }
    }
  }
  put(s.substr(run));
}

// Appends `s` as a JSON string literal (quotes included) to `out`. `s` must be UTF-8; bytes
// >= 0x80 are copied as they are.
inline void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

}  // namespace odin
