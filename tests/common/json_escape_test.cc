#include "common/json_escape.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace odin {
namespace {

constexpr std::string_view mixed("a\"b\\c\n\r\t\b\f\x01\x1f\x7f\xc3\xa9", 15);

TEST(JsonEscape, AppendJsonStringEscapesQuotesBackslashesAndControls) {
  std::string out;
  append_json_string(out, mixed);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\xc3\xa9\"");
  EXPECT_EQ(nlohmann::json::parse(out), mixed);
}

TEST(JsonEscape, AppendsAfterWhatIsThere) {
  std::string out = "x=";
  append_json_string(out, "");
  append_json_string(out, "plain");
  EXPECT_EQ(out, R"(x="""plain")");
}

TEST(JsonEscape, EveryControlCharacterRoundTrips) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string text = std::string("<") + static_cast<char>(c) + ">";
    std::string out;
    append_json_string(out, text);
    EXPECT_EQ(nlohmann::json::parse(out), text) << c;
  }
}

TEST(JsonEscape, CopyModeKeepsInvalidUtf8Bytes) {
  std::string out;
  append_json_escaped(out, std::string_view("a\xff"
                                            "b",
                                            3));
  EXPECT_EQ(out, std::string_view("a\xff"
                                  "b",
                                  3));
}

TEST(JsonEscape, ReplaceModeTurnsEachMalformedByteIntoReplacementCharacter) {
  std::string out;
  // A stray continuation byte, a truncated 3-byte sequence, an overlong '/', a surrogate,
  // then valid 2-, 3- and 4-byte sequences.
  const std::string_view text(
      "\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80|\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  append_json_escaped(out, text, invalid_utf8::replace);
  EXPECT_EQ(out,
            "\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(nlohmann::json::parse("\"" + out + "\""),
            "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST(JsonEscape, WritesIntoFmtMemoryBuffer) {
  fmt::memory_buffer buf;
  append_json_escaped(buf, "say \"hi\"\n", invalid_utf8::replace);
  EXPECT_EQ(fmt::to_string(buf), "say \\\"hi\\\"\\n");
}

TEST(JsonEscape, Utf8SequenceLength) {
  EXPECT_EQ(utf8_sequence_length("\xc3\xa9", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("\xe2\x82\xac", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x98\x80", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xf4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xe2\x82", 0), 0u);          // truncated
}

}  // namespace
}  // namespace odin
