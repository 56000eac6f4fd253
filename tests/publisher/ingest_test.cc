// POST /events bodies → bus records: both forms, the exact record value, and the reasons
// (with pointers) for everything refused.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "publisher/ingest.h"

namespace odin::publisher {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t now = 1732280000999;

class Ingest : public ::testing::Test {
 protected:
  result<std::vector<prepared_event>, ingest_error> prepare(const std::string& body) {
    return ingest_.prepare(body, now, parser_);
  }
  // The violations of a single refused event.
  std::vector<schema::violation> errors_of(const std::string& body) {
    auto r = prepare(body);
    EXPECT_FALSE(r.has_value()) << body;
    if (r || r.error().events.empty()) return {};
    EXPECT_EQ(r.error().code, "invalid_events");
    return r.error().events.front().errors;
  }

  schema::event_schemas schemas_;
  ingest ingest_{schemas_, 5};
  simdjson::dom::parser parser_;
};

schema::violation v(std::string p, std::string m) {
  return {std::move(p), std::move(m)};
}

TEST_F(Ingest, NestedFormBecomesThePlansFlatValue) {
  auto r = prepare(R"({"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":1732280000123,
      "data":{"price":42.50,"volume":1000,"side":"buy","amount":2.25}})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r.value().size(), 1u);
  const prepared_event& e = r.value()[0];
  EXPECT_EQ(e.type, model::event_type::trade_executed);
  EXPECT_EQ(e.token, "BTC");
  EXPECT_EQ(e.value,
            R"({"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":1732280000123,"price":42.5,)"
            R"("volume":1000,"side":"buy","amount":2.25})");
}

TEST_F(Ingest, FlatFormAndMissingTimestampGetsNow) {
  auto r = prepare(R"({"type":"COMMENT_POSTED","tokenId":"ODIN","commentId":"c1",
      "text":"Caf\u00e9 \"quoted\"","author":"user7"})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r.value()[0].value,
            R"({"type":"COMMENT_POSTED","tokenId":"ODIN","timestamp":1732280000999,)"
            R"("commentId":"c1","text":"Café \"quoted\"","author":"user7"})");
}

TEST_F(Ingest, TimestampWrittenAsADecimalIsKeptAsAnInteger) {
  auto r = prepare(R"({"type":"HOLDER_COUNT_UPDATED","tokenId":"X","timestamp":1.7e12,
      "data":{"holders":10,"change":-2}})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r.value()[0].value,
            R"({"type":"HOLDER_COUNT_UPDATED","tokenId":"X","timestamp":1700000000000,)"
            R"("holders":10,"change":-2})");
}

TEST_F(Ingest, ArrayKeepsOrder) {
  auto r = prepare(R"([{"type":"TRENDING_UPDATED","tokenId":"A","rank":1,"score":3},
                       {"type":"TRENDING_UPDATED","tokenId":"B","rank":2,"score":2}])");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r.value().size(), 2u);
  EXPECT_EQ(r.value()[0].token, "A");
  EXPECT_EQ(r.value()[1].token, "B");
}

TEST_F(Ingest, SchemaViolationsPointIntoTheFormGiven) {
  EXPECT_THAT(errors_of(R"({"type":"TRADE_EXECUTED","tokenId":"BTC",
      "data":{"price":"12","volume":1,"side":"buy","amount":1}})"),
              ElementsAre(v("/data/price", "must be a number, not a string")));
  EXPECT_THAT(errors_of(R"({"type":"TRADE_EXECUTED","tokenId":"BTC",
      "price":12,"volume":-1,"side":"hold","amount":1})"),
              ElementsAre(v("/volume", "must be at least 0"),
                          v("/side", R"(must be one of "buy", "sell")")));
  EXPECT_THAT(errors_of(R"({"type":"TRADE_EXECUTED","tokenId":"BTC","data":{"price":1}})"),
              ElementsAre(v("/data/volume", "is required"), v("/data/side", "is required"),
                          v("/data/amount", "is required")));
  EXPECT_THAT(errors_of(R"({"type":"TOKEN_LISTED","tokenId":"BTC","timestamp":-5,
      "data":{"name":"n","symbol":"S","price":1,"colour":"red"}})"),
              ElementsAre(v("/timestamp", "must be at least 0")));
}

TEST_F(Ingest, EnvelopeErrors) {
  EXPECT_THAT(errors_of(R"({"tokenId":"BTC","data":{}})"), ElementsAre(v("/type", "is required")));
  EXPECT_THAT(errors_of(R"({"type":7,"tokenId":"BTC"})"),
              ElementsAre(v("/type", "must be a string (the event type)")));
  auto unknown = errors_of(R"({"type":"TRADE_EXPLODED","tokenId":"BTC"})");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].pointer, "/type");
  EXPECT_THAT(unknown[0].message, HasSubstr(R"(unknown event type "TRADE_EXPLODED")"));
  EXPECT_THAT(unknown[0].message, HasSubstr("TRANSFER_COMPLETED"));
  EXPECT_THAT(errors_of(R"({"type":"TRENDING_UPDATED","tokenId":")" + std::string(33, 'A') +
                        R"(","rank":1,"score":1})"),
              ElementsAre(v("/tokenId", "token is longer than 32 characters")));
  EXPECT_THAT(errors_of(R"({"type":"TRENDING_UPDATED","tokenId":"BTC.X","rank":1,"score":1})"),
              ElementsAre(v("/tokenId", "token may contain only A-Z, a-z, 0-9, '_' and '-'")));
  EXPECT_THAT(errors_of(R"({"type":"TRENDING_UPDATED","rank":1,"score":1})"),
              ElementsAre(v("/tokenId", "is required")));
  EXPECT_THAT(errors_of(R"({"type":"TRENDING_UPDATED","tokenId":["BTC"],"rank":1,"score":1})"),
              ElementsAre(v("/tokenId", "must be a string (the token id)")));
}

TEST_F(Ingest, QuotedInputIsCutOnACharacterBoundary) {
  std::string euros;
  for (int i = 0; i < 30; ++i) euros += "\u20ac";  // 3 bytes each in UTF-8
  const auto errors = errors_of(R"({"type":")" + euros + R"(","tokenId":"BTC"})");
  ASSERT_EQ(errors.size(), 1u);
  std::string shown;
  for (int i = 0; i < 21; ++i) shown += "\xe2\x82\xac";  // 63 bytes: the 64-byte cut backs off
  EXPECT_THAT(errors[0].message, HasSubstr("\"" + shown + "\";"));
}

TEST_F(Ingest, ShapeErrors) {
  EXPECT_THAT(errors_of(R"({"type":"TRENDING_UPDATED","tokenId":"A","rank":1,"rank":2,"score":1})"),
              ElementsAre(v("/rank", "is given twice")));
  EXPECT_THAT(
      errors_of(R"({"type":"TRENDING_UPDATED","tokenId":"A","data":{"rank":1,"score":1},
      "score":2})"),
      ElementsAre(
          v("/score", R"(is not allowed next to "data": put the event's fields inside "data")")));
  EXPECT_THAT(errors_of(R"({"type":"TRENDING_UPDATED","tokenId":"A","data":{"rank":1,"score":1,
      "tokenId":"B"}})"),
              ElementsAre(v("/data/tokenId", R"(belongs at the top level, next to "data")")));
  EXPECT_THAT(errors_of(R"({"type":"TRENDING_UPDATED","tokenId":"A","data":[1]})"),
              ElementsAre(v("/data", "must be an object holding the event's fields")));
  EXPECT_THAT(errors_of(R"({"type":"TRADE_EXECUTED","tokenId":"A","data":[1]})"),
              ElementsAre(v("/data", "must be an object holding the event's fields"),
                          v("/data/price", "is required"), v("/data/volume", "is required"),
                          v("/data/side", "is required"), v("/data/amount", "is required")));
  EXPECT_THAT(errors_of(R"(["BTC"])"), ElementsAre(v("", "an event must be a JSON object")));
}

TEST_F(Ingest, BodyErrors) {
  auto bad = prepare(R"({"type":)");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().status, 400);
  EXPECT_EQ(bad.error().code, "invalid_json");
  EXPECT_THAT(bad.error().message, HasSubstr("not valid JSON"));
  auto scalar = prepare("42");
  ASSERT_FALSE(scalar.has_value());
  EXPECT_EQ(scalar.error().code, "invalid_body");
  auto empty = prepare("[]");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, "empty_batch");
  const std::string one = R"({"type":"TRENDING_UPDATED","tokenId":"A","rank":1,"score":1})";
  auto big = prepare("[" + one + "," + one + "," + one + "," + one + "," + one + "," + one + "]");
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().status, 413);
  EXPECT_EQ(big.error().code, "batch_too_large");
  EXPECT_THAT(big.error().message, HasSubstr("6 events; at most 5"));
}

TEST_F(Ingest, OneBadEventRefusesTheBatchAndIsNamed) {
  const std::string good = R"({"type":"TRENDING_UPDATED","tokenId":"A","rank":1,"score":1})";
  auto r =
      prepare("[" + good + R"(,{"type":"TRENDING_UPDATED","tokenId":"B","rank":0,"score":1},)" +
              good + "]");
  ASSERT_FALSE(r.has_value());
  const ingest_error& e = r.error();
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.invalid_count, 1u);
  EXPECT_EQ(e.message, "1 of 3 events are invalid; nothing was published");
  ASSERT_EQ(e.events.size(), 1u);
  EXPECT_EQ(e.events[0].index, 1u);
  EXPECT_THAT(e.events[0].errors, ElementsAre(v("/rank", "must be at least 1")));
}

}  // namespace
}  // namespace odin::publisher

namespace odin::publisher {
namespace {

// The hot path reuses per-thread scratch lists and renders pointers lazily: nothing of one
// event may leak into the next, and every pointer still names the right place.
class IngestScratch : public Ingest {};

TEST_F(IngestScratch, EventsOfOneBodyDoNotShareFields) {
  auto r = prepare(R"([{"type":"TRADE_EXECUTED","tokenId":"A","timestamp":1,
      "data":{"price":1,"volume":2,"side":"buy","amount":3,"venue":"x"}},
      {"type":"TRENDING_UPDATED","tokenId":"B","timestamp":2,"rank":1,"score":2}])");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r.value().size(), 2u);
  EXPECT_EQ(r.value()[0].value,
            R"({"type":"TRADE_EXECUTED","tokenId":"A","timestamp":1,"price":1,"volume":2,)"
            R"("side":"buy","amount":3,"venue":"x"})");
  EXPECT_THAT(r.value()[0].unknown_fields, ElementsAre("venue"));
  EXPECT_EQ(r.value()[1].value,
            R"({"type":"TRENDING_UPDATED","tokenId":"B","timestamp":2,"rank":1,"score":2})");
  EXPECT_TRUE(r.value()[1].unknown_fields.empty());
}

TEST_F(IngestScratch, PointersOfNestedAndRepeatedMembers) {
  EXPECT_THAT(errors_of(R"({"type":"TRADE_EXECUTED","tokenId":"A","timestamp":1,
      "data":{"price":"1","volume":2,"volume":3,"side":"up","amount":3}})"),
              ElementsAre(v("/data/volume", "is given twice"),
                          v("/data/price", "must be a number, not a string"),
                          v("/data/side", R"(must be one of "buy", "sell")")));
  EXPECT_THAT(errors_of(R"({"type":"TRADE_EXECUTED","type":"X","tokenId":"A","timestamp":-1,
      "price":1,"volume":2,"side":"buy","amount":3})"),
              ElementsAre(v("/type", "is given twice"), v("/timestamp", "must be at least 0")));
  EXPECT_THAT(errors_of(R"({"type":"TRADE_EXECUTED","tokenId":"A","data":{"price":1}})"),
              ElementsAre(v("/data/volume", "is required"), v("/data/side", "is required"),
                          v("/data/amount", "is required")));
}

TEST_F(IngestScratch, ARepeatedEventIdNamesItsFirstEvent) {
  const std::string t = R"("type":"TRENDING_UPDATED","tokenId":"A","rank":1,"score":2)";
  auto r = prepare("[{" + t + R"(,"eventId":"a"},{)" + t + R"(,"eventId":"b"},{)" + t + "},{" + t +
                   R"(,"eventId":"b"},{)" + t + R"(,"eventId":"a"}])");
  ASSERT_FALSE(r.has_value());
  ASSERT_EQ(r.error().invalid_count, 2u);
  EXPECT_EQ(r.error().events[0].index, 3u);
  EXPECT_THAT(r.error().events[0].errors,
              ElementsAre(v("/eventId", "repeats the eventId of event 1 of this request")));
  EXPECT_EQ(r.error().events[1].index, 4u);
  EXPECT_THAT(r.error().events[1].errors,
              ElementsAre(v("/eventId", "repeats the eventId of event 0 of this request")));
  auto ok = prepare("[{" + t + R"(,"eventId":"a"},{)" + t + "},{" + t + "}]");
  ASSERT_TRUE(ok.has_value()) << "events without an eventId never repeat one another";
  EXPECT_EQ(ok.value()[0].event_id, "a");
}

}  // namespace
}  // namespace odin::publisher
