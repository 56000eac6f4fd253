// The JSON form: round trip, and everything that is not a telemetry point is refused.
#include <gtest/gtest.h>

#include "verify/json_form.h"
#include "verify/telemetry_codec.h"
#include "verify/telemetry_producer.h"

namespace odin::verify {
namespace {

TEST(JsonForm, RoundTripsSamplePoints) {
  json_form f;
  std::string text;
  for (uint64_t seq = 0; seq < 40; ++seq) {
    const telemetry_point p = sample_point(seq, 16, 1732280000123);
    json_form::encode(p, text);
    auto back = f.decode(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(back.value(), p) << text;
  }
}

TEST(JsonForm, SamplePointsCoverNullAndSymbols) {
  EXPECT_EQ(sample_point(0, 64, 1).symbol, "VRFY-00");
  EXPECT_EQ(sample_point(65, 64, 1).symbol, "VRFY-01");
  EXPECT_FALSE(sample_point(0, 64, 1).bid);  // every 5th bid and 7th ask is null
  EXPECT_TRUE(sample_point(1, 64, 1).bid);
  EXPECT_FALSE(sample_point(7, 64, 1).ask);
}

TEST(JsonForm, MembersAreTheAvroFields) {
  std::string text;
  json_form::encode(sample_point(1, 4, 5), text);
  const telemetry_codec codec;
  for (const std::string& field : codec.field_names()) {
    EXPECT_NE(text.find("\"" + field + "\":"), std::string::npos) << field << " in " << text;
  }
}

TEST(JsonForm, OptionalSidesMayBeLeftOut) {
  json_form f;
  auto p = f.decode(R"({"symbol":"A","price":1,"volume":0,"source":"s","eventTime":5})");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p.value().bid);
  EXPECT_EQ(p.value().price, 1.0);
}

TEST(JsonForm, RefusesWhatIsNotAPoint) {
  json_form f;
  const std::string ok = R"("symbol":"A","price":1.5,"volume":0,"source":"s","eventTime":5)";
  EXPECT_EQ(f.decode("not json").error(), invalid_reason::not_json);
  EXPECT_EQ(f.decode("[1,2]").error(), invalid_reason::not_json);
  EXPECT_EQ(f.decode("{\"symbol\":\"\xff\"}").error(), invalid_reason::not_json);  // not UTF-8
  EXPECT_EQ(f.decode("{" + ok + ",\"extra\":1}").error(), invalid_reason::json_mismatch);
  EXPECT_EQ(f.decode(R"({"symbol":"A","price":1.5,"volume":0,"source":"s"})").error(),
            invalid_reason::json_mismatch);  // eventTime missing
  EXPECT_EQ(
      f.decode(R"({"symbol":"A","price":"1.5","volume":0,"source":"s","eventTime":5})").error(),
      invalid_reason::json_mismatch);
  EXPECT_EQ(
      f.decode(R"({"symbol":"A","price":1.5,"volume":0,"source":"s","eventTime":5.5})").error(),
      invalid_reason::json_mismatch);
  EXPECT_EQ(f.decode("{" + ok + ",\"bid\":\"x\"}").error(), invalid_reason::json_mismatch);
  EXPECT_EQ(f.decode("{" + ok + ",\"symbol\":\"B\"}").error(), invalid_reason::json_mismatch)
      << "a member twice";
  ASSERT_TRUE(f.decode("{" + ok + "}"));
}

}  // namespace
}  // namespace odin::verify
