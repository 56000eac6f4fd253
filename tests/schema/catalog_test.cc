// The embedded schema files: complete, fresh, consistent with the event model, and matched by
// every payload the simulator generates.
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/event_type.h"
#include "schema/catalog.h"
#include "schema/embedded_files.h"
#include "schema/event_schemas.h"
#include "sim/event_factory.h"

namespace odin::schema {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SchemaCatalog, OneFileForEveryEventTypeAndTheAvroSchemaNothingElse) {
  std::set<std::string> expected = {std::string(market_telemetry_avsc_file)};
  for (model::event_type t : model::all_event_types()) {
    EXPECT_EQ(json_schema_file(t), std::string(model::to_string(t)) + ".json");
    expected.insert(std::string(json_schema_file(t)));
  }
  std::set<std::string> embedded;
  for (const embedded_file& f : embedded_files()) embedded.insert(std::string(f.name));
  EXPECT_EQ(embedded, expected);
  EXPECT_EQ(embedded.size(), 24u);
}

TEST(SchemaCatalog, EmbeddedTextsAreTheFilesOnDisk) {
  for (const embedded_file& f : embedded_files()) {
    EXPECT_EQ(f.text, read_file(std::string(ODIN_SCHEMA_DIR) + "/" + std::string(f.name)))
        << f.name << " is stale: re-run the build";
  }
}

// The fields the plan's (docs/plan.md) simulator (generateEventData) always sends for a type.
std::vector<std::string_view> plan_fields(std::string_view type) {
  if (type == "TRADE_EXECUTED" || type == "BUY_COMPLETED" || type == "SELL_COMPLETED")
    return {"price", "volume", "side", "amount"};
  if (type == "LIQUIDITY_ADDED" || type == "LIQUIDITY_REMOVED") return {"btcAmount", "tokenAmount"};
  if (type == "METADATA_UPDATED") return {"name", "description"};
  if (type == "ANALYTICS_RECALCULATED" || type == "PRICE_DELTA_UPDATED")
    return {"priceChange24h", "volume24h", "holders"};
  if (type == "COMMENT_POSTED") return {"text", "author"};
  return {};
}

TEST(SchemaCatalog, EachSchemaDescribesItsTypeAndTheEnvelope) {
  simdjson::dom::parser parser;
  for (model::event_type t : model::all_event_types()) {
    const std::string name(model::to_string(t));
    SCOPED_TRACE(name);
    simdjson::dom::element doc;
    ASSERT_FALSE(parser.parse(std::string(json_schema(t))).get(doc));
    EXPECT_EQ(doc["title"].get_string().value(), name);
    EXPECT_EQ(doc["type"].get_string().value(), "object");
    EXPECT_EQ(doc["properties"]["type"]["const"].get_string().value(), name);
    // Additive fields pass (the publisher counts them, or refuses them when strict).
    EXPECT_EQ(doc["additionalProperties"].get_bool().value(), true);
    // Required: the envelope and what the plan's generateEventData always sends, no more.
    std::set<std::string_view> required;
    const simdjson::dom::array names = doc["required"].get_array().value();
    for (auto r : names) required.insert(r.get_string().value());
    std::set<std::string_view> expected = {"type", "tokenId", "timestamp"};
    for (std::string_view f : plan_fields(name)) expected.insert(f);
    EXPECT_EQ(required, expected);
    EXPECT_EQ(doc["properties"]["tokenId"]["maxLength"].get_int64().value(), 32);
  }
}

TEST(SchemaCatalog, AllCompile) {
  EXPECT_NO_THROW(event_schemas{});
}

TEST(SchemaCatalog, EverySimulatedEventMatchesItsSchema) {
  const event_schemas schemas;
  simdjson::dom::parser parser;
  sim::rng gen(12345);
  const std::string tokens[] = {"BTC", "ETH", "x", "A_b-9", std::string(32, 'Z')};
  for (model::event_type t : model::all_event_types()) {
    for (int i = 0; i < 200; ++i) {
      const std::string event = sim::make_event(t, tokens[i % 5], 1732280000123 + i, gen);
      simdjson::dom::element e;
      ASSERT_FALSE(parser.parse(event).get(e)) << event;
      std::vector<violation> out;
      EXPECT_TRUE(schemas.of(t).validate(e, out))
          << event << "\n"
          << out.front().pointer << " " << out.front().message;
    }
  }
}

TEST(SchemaCatalog, SchemasRejectWrongPayloads) {
  const event_schemas schemas;
  simdjson::dom::parser parser;
  auto violations = [&](model::event_type t, const std::string& doc) {
    simdjson::dom::element e;
    EXPECT_FALSE(parser.parse(doc).get(e));
    std::vector<violation> out;
    schemas.of(t).validate(e, out);
    return out;
  };
  using ::testing::ElementsAre;
  using ::testing::Field;
  EXPECT_THAT(violations(model::event_type::trade_executed,
                         R"({"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":1,"price":-1,)"
                         R"("volume":1,"side":"buy","amount":1})"),
              ElementsAre(Field(&violation::pointer, "/price")));
  // The plan's simulator sends either side for BUY/SELL_COMPLETED; nothing else.
  EXPECT_THAT(violations(model::event_type::buy_completed,
                         R"({"type":"BUY_COMPLETED","tokenId":"BTC","timestamp":1,"price":1,)"
                         R"("volume":1,"side":"hold","amount":1})"),
              ElementsAre(Field(&violation::pointer, "/side")));
  // An optional field, when present, is still typed.
  EXPECT_THAT(violations(model::event_type::comment_posted,
                         R"({"type":"COMMENT_POSTED","tokenId":"BTC","timestamp":1,"text":"t",)"
                         R"("author":"a","commentId":7})"),
              ElementsAre(Field(&violation::pointer, "/commentId")));
  EXPECT_THAT(violations(model::event_type::comment_upvoted,
                         R"({"type":"COMMENT_UPVOTED","tokenId":"BTC","timestamp":1,)"
                         R"("commentId":"c1","upvotes":1.5})"),
              ElementsAre(Field(&violation::pointer, "/upvotes")));
  EXPECT_THAT(violations(model::event_type::social_links_updated,
                         R"({"type":"SOCIAL_LINKS_UPDATED","tokenId":"BTC","timestamp":1,)"
                         R"("website":"ftp://x"})"),
              ElementsAre(Field(&violation::pointer, "/website")));
  // The type of another schema is refused.
  EXPECT_THAT(violations(model::event_type::token_listed,
                         R"({"type":"TOKEN_CREATED","tokenId":"BTC","timestamp":1,"name":"n",)"
                         R"("symbol":"S","price":1})"),
              ElementsAre(Field(&violation::pointer, "/type")));
}

TEST(SchemaCatalog, MarketTelemetryAvroRecord) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(std::string(market_telemetry_avsc())).get(doc));
  EXPECT_EQ(doc["type"].get_string().value(), "record");
  EXPECT_EQ(doc["name"].get_string().value(), "MarketTelemetry");
  std::vector<std::string> names;
  const simdjson::dom::array fields = doc["fields"].get_array().value();
  for (auto f : fields) {
    names.emplace_back(f["name"].get_string().value());
    EXPECT_FALSE(f["doc"].get_string().value().empty()) << names.back() << " has no doc";
  }
  EXPECT_THAT(names, ::testing::ElementsAre("symbol", "price", "volume", "bid", "ask", "source",
                                            "eventTime"));
  auto time = doc["fields"].at(6)["type"];
  EXPECT_EQ(time["type"].get_string().value(), "long");
  EXPECT_EQ(time["logicalType"].get_string().value(), "timestamp-millis");
}

}  // namespace
}  // namespace odin::schema
