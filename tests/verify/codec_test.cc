// The Avro codec: what it encodes is the Confluent wire format with the schema's binary
// encoding (checked byte by byte for one point), decodes back equal, and every kind of
// corruption is refused with its reason.
#include <gtest/gtest.h>

#include <cmath>

#include "schema/catalog.h"
#include "verify/telemetry_codec.h"

namespace odin::verify {
namespace {

telemetry_point sample() {
  telemetry_point p;
  p.symbol = "BTC-USD";
  p.price = 101.25;
  p.volume = 0.5;
  p.bid = 101.2;
  p.source = "odin-amm";
  p.event_time_ms = 1732280000123;
  return p;
}

std::string encoded(telemetry_codec& c, const telemetry_point& p, int32_t id) {
  std::string out;
  EXPECT_TRUE(c.encode(p, id, out));
  return out;
}

TEST(TelemetryCodec, FieldsAreTheSchemaFiles) {
  telemetry_codec c;
  EXPECT_EQ(c.field_names(), (std::vector<std::string>{"symbol", "price", "volume", "bid", "ask",
                                                       "source", "eventTime"}));
  EXPECT_FALSE(schema::market_telemetry_avsc().empty());
}

TEST(TelemetryCodec, WireFormatByteByByte) {
  telemetry_codec c;
  telemetry_point p;
  p.symbol = "AB";
  p.price = 1.0;  // IEEE 754 little endian: 00 00 00 00 00 00 f0 3f
  p.volume = 0.0;
  p.bid = std::nullopt;
  p.ask = 2.0;  // branch 1 (zigzag 02), then 00 .. 00 40
  p.source = "x";
  p.event_time_ms = -1;  // zigzag 01
  const std::string w = encoded(c, p, 0x01020304);
  const std::string expected = std::string("\x00\x01\x02\x03\x04", 5) +  // magic, id BE
                               std::string(
                                   "\x04"
                                   "AB",
                                   3) +  // string: len 2 (zigzag 4)
                               std::string("\x00\x00\x00\x00\x00\x00\xf0\x3f", 8) +
                               std::string(8, '\0') +    // volume 0.0
                               std::string("\x00", 1) +  // bid: null branch
                               std::string("\x02\x00\x00\x00\x00\x00\x00\x00\x40", 9) +
                               std::string("\x02x", 2) + std::string("\x01", 1);
  EXPECT_EQ(w, expected);
}

TEST(TelemetryCodec, RoundTrips) {
  telemetry_codec c;
  telemetry_point p = sample();
  for (int i = 0; i < 4; ++i) {
    p.bid = (i & 1) ? std::optional<double>() : std::optional<double>(99.5 + i);
    p.ask = (i & 2) ? std::optional<double>() : std::optional<double>(100.5 + i);
    p.symbol = i == 3 ? "ÉTH-€" : "BTC-USD";  // UTF-8
    auto back = c.decode(encoded(c, p, 7), 7);
    ASSERT_TRUE(back) << name_of(back.error());
    EXPECT_EQ(back.value(), p);
  }
}

TEST(TelemetryCodec, ExtremesRoundTrip) {
  telemetry_codec c;
  telemetry_point p = sample();
  p.price = std::nextafter(0.0, 1.0);
  p.volume = 1e308;
  p.event_time_ms = INT64_MAX;
  p.symbol.assign(300, 'S');  // multi-byte length varint
  auto back = c.decode(encoded(c, p, 1), 1);
  ASSERT_TRUE(back);
  EXPECT_EQ(back.value(), p);
}

TEST(TelemetryCodec, RefusesWrongHeader) {
  telemetry_codec c;
  std::string w = encoded(c, sample(), 5);
  EXPECT_EQ(c.decode(w, 6).error(), invalid_reason::wrong_schema_id);
  EXPECT_EQ(c.decode(w.substr(0, 4), 5).error(), invalid_reason::bad_magic);
  EXPECT_EQ(c.decode("", 5).error(), invalid_reason::bad_magic);
  w[0] = 1;
  EXPECT_EQ(c.decode(w, 5).error(), invalid_reason::bad_magic);
  EXPECT_EQ(c.decode(R"({"symbol":"BTC-USD"})", 5).error(), invalid_reason::bad_magic);
}

TEST(TelemetryCodec, RefusesTruncatedAndTrailing) {
  telemetry_codec c;
  const std::string w = encoded(c, sample(), 5);
  for (std::size_t n = wire_header_bytes; n < w.size(); ++n) {
    auto r = c.decode(w.substr(0, n), 5);
    ASSERT_FALSE(r) << "cut at " << n;
    EXPECT_EQ(r.error(), invalid_reason::undecodable) << "cut at " << n;
  }
  EXPECT_EQ(c.decode(w + "x", 5).error(), invalid_reason::trailing_bytes);
  ASSERT_TRUE(c.decode(w, 5)) << "the codec recovers after errors";
}

TEST(TelemetryCodec, RefusesBadUnionIndexNegativeLengthAndBadUtf8) {
  telemetry_codec c;
  telemetry_point p = sample();
  p.symbol = "AB";
  std::string w = encoded(c, p, 5);
  const std::size_t bid = wire_header_bytes + 3 + 16;  // after symbol, price, volume
  ASSERT_EQ(w[bid], '\x02');                           // branch 1 (double)
  std::string bad_branch = w;
  bad_branch[bid] = '\x04';  // branch 2: no such branch
  EXPECT_EQ(c.decode(bad_branch, 5).error(), invalid_reason::undecodable);
  std::string negative = w;
  negative[wire_header_bytes] = '\x03';  // string length −2
  EXPECT_EQ(c.decode(negative, 5).error(), invalid_reason::undecodable);
  std::string huge = w;
  huge.replace(wire_header_bytes, 1, "\xfe\xff\xff\xff\x0f");  // length ~2^31
  EXPECT_EQ(c.decode(huge, 5).error(), invalid_reason::undecodable);
  std::string latin1 = w;
  latin1[wire_header_bytes + 1] = '\xc9';  // "\xc9B": not UTF-8
  EXPECT_EQ(c.decode(latin1, 5).error(), invalid_reason::bad_utf8);
}

TEST(TelemetryCodec, BrokenSchemaThrowsAtStart) {
  EXPECT_THROW(telemetry_codec("{\"type\": \"record\""), std::invalid_argument);
  EXPECT_THROW(telemetry_codec("\"string\""), std::invalid_argument);
}

TEST(Utf8, AcceptsAndRefuses) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain"));
  EXPECT_TRUE(valid_utf8("€ 𝄞 é"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(valid_utf8("\xe2\x82"));          // cut short
  EXPECT_FALSE(valid_utf8("\x80"));              // lone continuation
}

}  // namespace
}  // namespace odin::verify
