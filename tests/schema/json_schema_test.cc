// The JSON Schema subset validator: every keyword, the pointers of violations, and the
// compiler refusing what it does not implement.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "schema/compiled_schema.h"

namespace odin::schema {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class JsonSchema : public ::testing::Test {
 protected:
  // Violations of `doc` against `schema` (both JSON text).
  std::vector<violation> check(const std::string& schema, const std::string& doc,
                               std::string_view base = {}) {
    const compiled_schema s = compiled_schema::compile(schema);
    simdjson::dom::element e;
    EXPECT_FALSE(parser_.parse(doc).get(e)) << doc;
    std::vector<violation> out;
    const bool ok = s.validate(e, out, base);
    EXPECT_EQ(ok, out.empty());
    return out;
  }
  std::string compile_error(const std::string& schema) {
    try {
      compiled_schema::compile(schema);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(compiled)";
  }

  simdjson::dom::parser parser_;
};

violation v(std::string pointer, std::string message) {
  return {std::move(pointer), std::move(message)};
}

TEST_F(JsonSchema, TypeNamesAndIntegerVersusNumber) {
  EXPECT_TRUE(check(R"({"type":"number"})", "1.5").empty());
  EXPECT_TRUE(check(R"({"type":"number"})", "7").empty());
  EXPECT_TRUE(check(R"({"type":"integer"})", "7").empty());
  EXPECT_TRUE(check(R"({"type":"integer"})", "-7").empty());
  EXPECT_TRUE(check(R"({"type":"integer"})", "18446744073709551615").empty());
  EXPECT_TRUE(check(R"({"type":"integer"})", "2.0").empty());  // 2020-12: no fraction = integer
  EXPECT_THAT(check(R"({"type":"integer"})", "2.5"),
              ElementsAre(v("", "must be an integer, not a number")));
  EXPECT_THAT(check(R"({"type":"string"})", "1"),
              ElementsAre(v("", "must be a string, not a number")));
  EXPECT_THAT(check(R"({"type":"boolean"})", "null"),
              ElementsAre(v("", "must be a boolean, not null")));
  EXPECT_THAT(check(R"({"type":"object"})", "[]"),
              ElementsAre(v("", "must be an object, not an array")));
  EXPECT_THAT(check(R"({"type":"array"})", "{}"),
              ElementsAre(v("", "must be an array, not an object")));
  EXPECT_THAT(check(R"({"type":"null"})", "false"),
              ElementsAre(v("", "must be null, not a boolean")));
  EXPECT_TRUE(check(R"({"type":["string","null"]})", "null").empty());
  EXPECT_THAT(check(R"({"type":["string","null"]})", "3"),
              ElementsAre(v("", "must be a string or null, not a number")));
  EXPECT_TRUE(check("{}", R"({"anything":[1,2]})").empty());
}

TEST_F(JsonSchema, PropertiesRequiredAndPointers) {
  const std::string s = R"({"type":"object","properties":{
      "data":{"type":"object","properties":{"price":{"type":"number"}},"required":["price"]},
      "a/b":{"type":"string"},"m~n":{"type":"string"}},"required":["data"]})";
  EXPECT_TRUE(check(s, R"({"data":{"price":1}})").empty());
  EXPECT_THAT(check(s, R"({"data":{"price":"1"}})"),
              ElementsAre(v("/data/price", "must be a number, not a string")));
  EXPECT_THAT(check(s, R"({"data":{}})"), ElementsAre(v("/data/price", "is required")));
  EXPECT_THAT(check(s, R"({})"), ElementsAre(v("/data", "is required")));
  EXPECT_THAT(check(s, R"({"data":{"price":1},"a/b":1,"m~n":2})"),
              ElementsAre(v("/a~1b", "must be a string, not a number"),
                          v("/m~0n", "must be a string, not a number")));
  // A base pointer prefixes everything.
  EXPECT_THAT(check(s, R"({"data":{}})", "/events/3"),
              ElementsAre(v("/events/3/data/price", "is required")));
}

TEST_F(JsonSchema, AdditionalProperties) {
  EXPECT_THAT(check(R"({"properties":{"a":{}},"additionalProperties":false})", R"({"a":1,"b":2})"),
              ElementsAre(v("/b", "is not an allowed field")));
  EXPECT_TRUE(
      check(R"({"properties":{"a":{}},"additionalProperties":true})", R"({"b":2})").empty());
  EXPECT_TRUE(check(R"({"properties":{"a":{}}})", R"({"b":2})").empty());
  EXPECT_THAT(check(R"({"properties":{"a":{}},"additionalProperties":{"type":"integer"}})",
                    R"({"a":"x","b":2,"c":"no"})"),
              ElementsAre(v("/c", "must be an integer, not a string")));
}

TEST_F(JsonSchema, ConstAndEnum) {
  EXPECT_TRUE(check(R"({"const":"TRADE_EXECUTED"})", R"("TRADE_EXECUTED")").empty());
  EXPECT_THAT(check(R"({"const":"TRADE_EXECUTED"})", R"("BUY_COMPLETED")"),
              ElementsAre(v("", R"(must be "TRADE_EXECUTED")")));
  EXPECT_TRUE(check(R"({"const":1})", "1.0").empty());  // numbers compare by value
  EXPECT_THAT(check(R"({"const":1})", R"("1")"), ElementsAre(v("", "must be 1")));
  EXPECT_TRUE(check(R"({"const":null})", "null").empty());
  EXPECT_THAT(check(R"({"const":true})", "false"), ElementsAre(v("", "must be true")));
  EXPECT_TRUE(check(R"({"enum":["buy","sell"]})", R"("sell")").empty());
  EXPECT_THAT(check(R"({"enum":["buy","sell"]})", R"("hold")"),
              ElementsAre(v("", R"(must be one of "buy", "sell")")));
  EXPECT_THAT(check(R"({"enum":["buy",2,null]})", "3"),
              ElementsAre(v("", R"(must be one of "buy", 2, null)")));
}

TEST_F(JsonSchema, NumericBounds) {
  const std::string s = R"({"type":"number","minimum":0,"maximum":10})";
  EXPECT_TRUE(check(s, "0").empty());
  EXPECT_TRUE(check(s, "10").empty());
  EXPECT_THAT(check(s, "-0.5"), ElementsAre(v("", "must be at least 0")));
  EXPECT_THAT(check(s, "10.25"), ElementsAre(v("", "must be at most 10")));
  const std::string x = R"({"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1.5})";
  EXPECT_TRUE(check(x, "0.001").empty());
  EXPECT_THAT(check(x, "0"), ElementsAre(v("", "must be greater than 0")));
  EXPECT_THAT(check(x, "1.5"), ElementsAre(v("", "must be less than 1.5")));
  EXPECT_THAT(check(R"({"type":"integer","minimum":1})", "0"),
              ElementsAre(v("", "must be at least 1")));
  // Bounds apply to numbers only.
  EXPECT_TRUE(check(R"({"minimum":5})", R"("abc")").empty());
}

TEST_F(JsonSchema, StringLengthCountsCodePoints) {
  const std::string s = R"({"type":"string","minLength":2,"maxLength":3})";
  EXPECT_TRUE(check(s, R"("ab")").empty());
  EXPECT_TRUE(check(s, R"("héé")").empty());  // 3 code points, 5 bytes
  EXPECT_TRUE(check(s, R"("€€€")").empty());
  EXPECT_THAT(check(s, R"("a")"), ElementsAre(v("", "must be at least 2 characters long")));
  EXPECT_THAT(check(s, R"("abcd")"), ElementsAre(v("", "must be at most 3 characters long")));
}

TEST_F(JsonSchema, PatternIsSearchedAndSkippedWhenTooLong) {
  const std::string unanchored = R"({"type":"string","maxLength":50,"pattern":"[0-9]"})";
  EXPECT_TRUE(check(unanchored, R"("abc1def")").empty());
  EXPECT_THAT(check(unanchored, R"("abcdef")"), ElementsAre(v("", "must match the pattern [0-9]")));
  const std::string anchored = R"({"type":"string","maxLength":32,"pattern":"^[A-Za-z0-9_-]+$"})";
  EXPECT_TRUE(check(anchored, R"("BTC_1-x")").empty());
  EXPECT_THAT(check(anchored, R"("BTC.x")"),
              ElementsAre(v("", "must match the pattern ^[A-Za-z0-9_-]+$")));
  // Over maxLength: one violation, the pattern is not tried.
  EXPECT_THAT(check(anchored, '"' + std::string(100000, '.') + '"'),
              ElementsAre(v("", "must be at most 32 characters long")));
}

TEST_F(JsonSchema, ItemsAndItemCounts) {
  const std::string s =
      R"({"type":"object","properties":{"list":{"type":"array","minItems":1,"maxItems":3,
          "items":{"type":"string","maxLength":2}}}})";
  EXPECT_TRUE(check(s, R"({"list":["a","bb"]})").empty());
  EXPECT_THAT(check(s, R"({"list":["a","bb",3]})"),
              ElementsAre(v("/list/2", "must be a string, not a number")));
  EXPECT_THAT(check(s, R"({"list":["abc"]})"),
              ElementsAre(v("/list/0", "must be at most 2 characters long")));
  EXPECT_THAT(check(s, R"({"list":[]})"), ElementsAre(v("/list", "must have at least 1 items")));
  EXPECT_THAT(check(s, R"({"list":["a","a","a","a"]})"),
              ElementsAre(v("/list", "must have at most 3 items")));
}

TEST_F(JsonSchema, BooleanSchemas) {
  EXPECT_TRUE(check("true", "[1]").empty());
  EXPECT_THAT(check("false", "1"), ElementsAre(v("", "is not allowed")));
  EXPECT_THAT(check(R"({"properties":{"old":false}})", R"({"old":1,"new":2})"),
              ElementsAre(v("/old", "is not allowed")));
}

TEST_F(JsonSchema, SeveralViolationsAreAllReportedUpToTheCap) {
  const std::string s = R"({"properties":{"a":{"type":"string"},"b":{"type":"string"}},
                            "required":["c"],"additionalProperties":false})";
  EXPECT_THAT(check(s, R"({"a":1,"b":2,"x":3})"),
              ElementsAre(v("/a", "must be a string, not a number"),
                          v("/b", "must be a string, not a number"),
                          v("/x", "is not an allowed field"), v("/c", "is required")));
  std::string many = "{";
  for (int i = 0; i < 100; ++i) many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  many += "}";
  EXPECT_EQ(check(R"({"additionalProperties":false})", many).size(), max_violations);
}

TEST_F(JsonSchema, ValidateMembersForAssembledObjects) {
  const compiled_schema s = compiled_schema::compile(
      R"({"type":"object","properties":{"type":{"const":"T"},"tokenId":{"type":"string"},
          "timestamp":{"type":"integer"},"price":{"type":"number"},"side":{"enum":["buy","sell"]}},
          "required":["type","tokenId","timestamp","price","side"],"additionalProperties":false})");
  simdjson::dom::element data;
  ASSERT_FALSE(parser_.parse(std::string(R"({"price":"x","extra":1})")).get(data));
  std::vector<member> members;
  members.push_back({"type", std::nullopt, ""});     // checked by the caller
  members.push_back({"tokenId", std::nullopt, ""});  // idem
  const simdjson::dom::object fields = data.get_object().value_unsafe();
  for (auto [key, value] : fields) {
    members.push_back({key, value, "/data"});
  }
  std::vector<violation> out;
  EXPECT_FALSE(s.validate_members(members, "/data", out));
  EXPECT_THAT(out,
              ElementsAre(v("/data/price", "must be a number, not a string"),
                          v("/data/extra", "is not an allowed field"),
                          v("/data/timestamp", "is required"), v("/data/side", "is required")));
}

TEST_F(JsonSchema, CompilerRefusesWhatItDoesNotImplement) {
  EXPECT_THAT(compile_error(R"({"allOf":[{}]})"),
              HasSubstr("/allOf: keyword \"allOf\" is not supported"));
  EXPECT_THAT(compile_error(R"({"properties":{"p":{"oneOf":[]}}})"),
              HasSubstr("/properties/p/oneOf: keyword \"oneOf\" is not supported"));
  EXPECT_THAT(compile_error(R"({"type":"decimal"})"), HasSubstr("/type: unknown type \"decimal\""));
  EXPECT_THAT(compile_error(R"({"type":"string","pattern":"a"})"),
              HasSubstr("needs a \"maxLength\""));
  EXPECT_THAT(compile_error(R"({"maxLength":5,"pattern":"(a"})"),
              HasSubstr("/pattern: invalid regular expression"));
  EXPECT_THAT(compile_error(R"({"$schema":"http://json-schema.org/draft-07/schema#"})"),
              HasSubstr("/$schema: only"));
  EXPECT_THAT(compile_error(R"({"minimum":"0"})"), HasSubstr("/minimum: must be a number"));
  EXPECT_THAT(compile_error(R"({"maxLength":-1})"), HasSubstr("non-negative integer"));
  EXPECT_THAT(compile_error(R"({"required":["a","a"]})"), HasSubstr("/required/1: listed twice"));
  EXPECT_THAT(compile_error(R"({"enum":[[1]]})"), HasSubstr("/enum/0: only scalar"));
  EXPECT_THAT(compile_error(R"({"type":)"), HasSubstr("invalid JSON"));
  EXPECT_THAT(compile_error("3"), HasSubstr("must be an object or a boolean"));
  // Annotations are fine.
  EXPECT_EQ(compile_error(R"({"$schema":"https://json-schema.org/draft/2020-12/schema","title":"t",
      "description":"d","$comment":"c","examples":[1],"default":1,"format":"date-time"})"),
            "(compiled)");
}

}  // namespace
}  // namespace odin::schema
