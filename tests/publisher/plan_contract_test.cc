// The publisher contract of the migration plan, as its backend and its runbook use it: the
// payloads of docs/plan.md's simulator (generateEventData) posted as the plan's publisher builds
// them, `curl -d` (application/x-www-form-urlencoded) and no Content-Type, additive fields
// passed through (or refused with strict schemas).
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "publisher_fixture.h"
#include "support/http_client.h"

namespace odin::publisher::testing {

using namespace ::odin::test;  // support/http_client.h
namespace {

using ::testing::HasSubstr;

// The plan's generateEventData(token, eventType), value for value (Math.random() → u(gen)).
json plan_event_data(std::string_view token, std::string_view type, std::mt19937_64& gen) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  if (type == "TRADE_EXECUTED" || type == "BUY_COMPLETED" || type == "SELL_COMPLETED") {
    return {{"price", u(gen) * 100 + 10},
            {"volume", u(gen) * 1000},
            {"side", u(gen) > 0.5 ? "buy" : "sell"},
            {"amount", u(gen) * 10}};
  }
  if (type == "LIQUIDITY_ADDED" || type == "LIQUIDITY_REMOVED") {
    return {{"btcAmount", u(gen) * 10}, {"tokenAmount", u(gen) * 1000}};
  }
  if (type == "METADATA_UPDATED") {
    return {{"name", std::string(token) + " Token"},
            {"description", "Updated at " + std::to_string(1732280000000)}};
  }
  if (type == "ANALYTICS_RECALCULATED" || type == "PRICE_DELTA_UPDATED") {
    return {{"priceChange24h", (u(gen) - 0.5) * 20},
            {"volume24h", u(gen) * 1000000},
            {"holders", static_cast<int64_t>(std::floor(u(gen) * 10000))}};
  }
  if (type == "COMMENT_POSTED") return {{"text", "Great project!"}, {"author", "user123"}};
  return json::object();  // default: {}
}

// The plan's record value: JSON.stringify({type, tokenId, timestamp: Date.now(), ...data}).
json plan_value(std::string_view token, std::string_view type, int64_t ts, const json& data) {
  json v = {{"type", type}, {"tokenId", token}, {"timestamp", ts}};
  for (auto& [k, val] : data.items()) v[k] = val;
  return v;
}

TEST(PlanContract, EveryPayloadOfThePlansSimulatorIsAcceptedAsThePlanBuildsIt) {
  memory_stack stack;
  std::mt19937_64 gen(42);
  std::vector<json> sent;
  int i = 0;
  for (model::event_type t : model::all_event_types()) {
    const std::string type(model::to_string(t));
    for (int round = 0; round < 20; ++round) {  // both sides, many random values
      SCOPED_TRACE(type);
      const std::string token = "P" + std::to_string(i++);
      const json v = plan_value(token, type, 1732280000000 + i, plan_event_data(token, type, gen));
      // Alternately as `curl -d` sends it and with no Content-Type at all.
      const char* content_type = round % 2 == 0 ? "application/x-www-form-urlencoded" : "";
      const http_reply a = http_call(stack.port(), "POST", "/events", v.dump(), content_type);
      ASSERT_EQ(a.status, 202) << v.dump() << " → " << a.body;
      sent.push_back(v);
    }
  }
  const auto records = consume(*stack.consumer, sent.size(), 10s);
  ASSERT_EQ(records.size(), sent.size());
  std::map<std::string, json> by_token;
  for (const consumed& r : records) by_token[r.key] = json::parse(r.value);
  for (const json& v : sent) {
    const std::string token = v["tokenId"];
    ASSERT_TRUE(by_token.contains(token)) << token;
    EXPECT_EQ(by_token[token], v);  // the same members, in the same order, same values
  }
}

TEST(PlanContract, ThePlansCurlCommandsWork) {
  memory_stack stack;
  // curl -X POST http://localhost:3003/control -d '{"action":"start","messagesPerSecond":10}'
  const http_reply started =
      http_call(stack.port(), "POST", "/control", R"({"action":"start","messagesPerSecond":10})",
                "application/x-www-form-urlencoded");
  EXPECT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(json::parse(started.body)["success"], true);
  const http_reply stopped = http_call(stack.port(), "POST", "/control", R"({"action":"stop"})",
                                       "application/x-www-form-urlencoded");
  EXPECT_EQ(stopped.status, 200) << stopped.body;
  // application/<x>+json is JSON too; a form body that is not JSON says so.
  EXPECT_EQ(http_call(stack.port(), "POST", "/control", R"({"action":"stop"})",
                      "application/vnd.odin+json; charset=utf-8")
                .status,
            200);
  const http_reply form = http_call(stack.port(), "POST", "/events", "type=TRADE_EXECUTED",
                                    "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 400);
  EXPECT_THAT(form.body, HasSubstr("invalid_json"));
  EXPECT_EQ(http_call(stack.port(), "POST", "/events", "{}", "text/plain").status, 415);
}

const std::string with_extra =
    R"({"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":1732280000000,"price":1.5,)"
    R"("volume":2,"side":"buy","amount":3,"venue":"amm-2","fees":{"bps":30}})";

TEST(PlanContract, AdditiveFieldsArePassedThroughCountedAndLogged) {
  memory_stack stack;
  for (int i = 0; i < 3; ++i) {
    const http_reply a = post_json(stack.port(), "/events", with_extra);
    ASSERT_EQ(a.status, 202) << a.body;
  }
  const auto records = consume(*stack.consumer, 3, 5s);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(json::parse(records[0].value), json::parse(with_extra));
  const std::string metrics = http_get(stack.port(), "/metrics").body;
  EXPECT_THAT(
      metrics,
      HasSubstr(R"(publisher_unknown_fields_total{field="venue",type="TRADE_EXECUTED"} 3)"));
  EXPECT_THAT(metrics,
              HasSubstr(R"(publisher_unknown_fields_total{field="fees",type="TRADE_EXECUTED"} 3)"));
}

TEST(PlanContract, StrictSchemasRefuseAdditiveFields) {
  options o = local_options();
  o.strict_schemas = true;
  memory_stack stack(o);
  const http_reply a = post_json(stack.port(), "/events", with_extra);
  ASSERT_EQ(a.status, 400) << a.body;
  const json body = json::parse(a.body);
  EXPECT_EQ(body["error"], "invalid_events");
  const json& errors = body["events"][0]["errors"];
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0]["pointer"], "/venue");
  EXPECT_THAT(errors[0]["message"].get<std::string>(), HasSubstr("PUBLISHER_STRICT_SCHEMAS"));
  EXPECT_EQ(errors[1]["pointer"], "/fees");
  EXPECT_TRUE(consume(*stack.consumer, 1, 300ms).empty());
  // What the schema declares is still accepted.
  EXPECT_EQ(post_json(stack.port(), "/events",
                      R"({"type":"COMMENT_POSTED","tokenId":"BTC","text":"hi","author":"u"})")
                .status,
            202);
}

}  // namespace
}  // namespace odin::publisher::testing
