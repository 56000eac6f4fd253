// A real gateway with real WebSocket clients: delivery, the request protocol, close codes.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>

#include "gateway/gateway_fixture.h"

namespace odin::gateway::test {
namespace {

using model::kind;
using json = nlohmann::json;

class GatewayE2E : public gateway_fixture {};

std::vector<std::string> channels_of(const json& reply) {
  std::vector<std::string> out;
  if (reply.contains("channels")) out = reply["channels"].get<std::vector<std::string>>();
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(GatewayE2E, EachClientGetsExactlyItsEventsVerbatimAndInOrder) {
  start();
  auto bundle = connect_client();       // TRADING for BTC
  auto channels = connect_client();     // two channels
  auto overlapping = connect_client();  // PRICE_ONLY for BTC + BTC.trade again
  auto idle = connect_client();         // only the sync channel
  json r = request(*bundle, R"({"type":"subscribe","bundle":"TRADING","tokens":["BTC"],"id":1})");
  EXPECT_EQ(r["type"], "subscribed");
  EXPECT_EQ(r["id"], 1);
  EXPECT_EQ(channels_of(r),
            (std::vector<std::string>{"BTC.analytics", "BTC.liquidity", "BTC.trade"}));
  r = request(*channels, R"({"type":"subscribe","channels":["ETH.trade","BTC.trade"]})");
  EXPECT_EQ(channels_of(r), (std::vector<std::string>{"BTC.trade", "ETH.trade"}));
  r = request(*overlapping, R"({"type":"subscribe","bundle":"PRICE_ONLY","tokens":["BTC"]})");
  EXPECT_EQ(r["type"], "subscribed");
  r = request(*overlapping, R"({"type":"subscribe","channels":["BTC.trade"]})");
  EXPECT_EQ(r["type"], "subscribed");
  for (auto* c : {bundle.get(), channels.get(), overlapping.get(), idle.get()}) {
    EXPECT_EQ(request(*c, R"({"type":"subscribe","channels":["SYNC.trade"]})")["type"],
              "subscribed");
  }
  EXPECT_TRUE(wait_metric("ws_subscriptions", 11));  // 3 + 2 + 2 (overlap counted once) + 4

  const std::vector<std::pair<kind, std::string>> mix = {
      {kind::trade, "BTC"}, {kind::liquidity, "BTC"}, {kind::analytics, "BTC"},
      {kind::trade, "ETH"}, {kind::metadata, "ETH"},  {kind::trade, "SOL"}};
  for (int i = 0; i < 120; ++i) {
    const auto& [k, token] = mix[i % mix.size()];
    push(k, token, R"({"i":)" + std::to_string(i) + R"(,"s":"caf\u00e9 \"q\"","n":[1.50,-2e3]})");
  }
  const std::string sync1 = push(kind::trade, "SYNC", R"({"sync":1})").text;
  const std::size_t first = history_.size();

  auto check = [&](ws_client& c, const std::set<std::string>& chans, std::size_t from,
                   std::size_t to, const std::string& sync, const char* who) {
    bool complete = false;
    const auto got = c.read_until(sync, complete);
    EXPECT_TRUE(complete) << who;
    EXPECT_EQ(got, expected(chans, from, to)) << who;
  };
  check(*bundle, {"BTC.trade", "BTC.liquidity", "BTC.analytics"}, 0, first - 1, sync1, "bundle");
  check(*channels, {"ETH.trade", "BTC.trade"}, 0, first - 1, sync1, "channels");
  check(*overlapping, {"BTC.trade", "BTC.analytics"}, 0, first - 1, sync1, "overlapping");
  check(*idle, {}, 0, first - 1, sync1, "idle");

  // Unsubscribe mid-stream: from then on BTC.trade stops for that client only.
  r = request(*channels, R"({"type":"unsubscribe","channels":["BTC.trade"],"id":"u"})");
  EXPECT_EQ(r["type"], "unsubscribed");
  EXPECT_EQ(r["id"], "u");
  EXPECT_EQ(channels_of(r), (std::vector<std::string>{"BTC.trade"}));
  EXPECT_TRUE(wait_metric("ws_subscriptions", 10));
  for (int i = 0; i < 30; ++i) {
    const auto& [k, token] = mix[i % mix.size()];
    push(k, token, std::to_string(i));
  }
  const std::string sync2 = push(kind::trade, "SYNC", R"({"sync":2})").text;
  check(*channels, {"ETH.trade"}, first, history_.size() - 1, sync2, "after unsubscribe");
  check(*bundle, {"BTC.trade", "BTC.liquidity", "BTC.analytics"}, first, history_.size() - 1, sync2,
        "bundle after");
  EXPECT_TRUE(wait_metric("ws_broadcasts_total", static_cast<double>(history_.size())));
  EXPECT_EQ(metric("kafka_messages_received_total"), static_cast<double>(history_.size()));

  // Closed sessions leave their shard's index: nothing is delivered to them any more.
  for (auto* c : {bundle.get(), channels.get(), overlapping.get(), idle.get()}) {
    EXPECT_TRUE(c->close());
  }
  EXPECT_TRUE(wait_metric("ws_active_connections", 0));
  EXPECT_EQ(metric("ws_subscriptions"), 0);
  for (int i = 0; i < 20; ++i) push(kind::trade, "BTC", "0");
  EXPECT_TRUE(wait_metric("ws_broadcasts_total", static_cast<double>(history_.size())));
  EXPECT_EQ(metric("ws_outbound_queue_bytes"), 0);
}

TEST_F(GatewayE2E, EveryRequestErrorIsAnsweredAndTheConnectionStaysUsable) {
  options o = test_options();
  o.max_per_request = 3;
  o.max_subscriptions = 5;
  start(o);
  auto c = connect_client();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "invalid_json"},
      {R"([1,2])", "invalid_request"},
      {R"({"type":"subscribe","tokens":["BTC"],"id":7})", "invalid_request"},
      {R"({"type":"hello","id":7})", "unknown_type"},
      {R"({"type":"subscribe","bundle":"NOPE","tokens":["BTC"],"id":7})", "unknown_bundle"},
      {R"({"type":"subscribe","channels":["BTCtrade"],"id":7})", "invalid_channel"},
      {R"({"type":"subscribe","channels":["BTC.nope"],"id":7})", "unknown_kind"},
      {R"({"type":"subscribe","bundle":"TRADING","tokens":["B$C"],"id":7})", "invalid_token"},
      {R"({"type":"subscribe","bundle":"TRADING","tokens":[],"id":7})", "empty_tokens"},
      {R"({"type":"subscribe","bundle":"ALL","tokens":["A","B","C","D"],"id":7})",
       "too_many_tokens"},
      {R"({"type":"subscribe","bundle":"TRADING","tokens":["BTC","ETH"],"id":7})",
       "too_many_subscriptions"},
      {R"({"type":"subscribe","bundle":"ALL","tokens":["BTC"],"id":7})", "forbidden"},
      {R"({"type":"unsubscribe","channels":["ETH.trade"],"id":7})", "not_subscribed"},
  };
  for (const auto& [text, code] : cases) {
    const json r = request(*c, text);
    EXPECT_EQ(r["type"], "error") << text;
    EXPECT_EQ(r["code"], code) << text;
    EXPECT_TRUE(r["message"].is_string()) << text;
    if (text.find("\"id\":7") != std::string::npos) {
      EXPECT_EQ(r["id"], 7) << text;
    }
    EXPECT_EQ(request(*c, R"({"type":"ping","id":"p"})"), (json{{"type", "pong"}, {"id", "p"}}))
        << "usable after " << code;
  }
  // All or nothing: 4 held + 2 new would pass 5; unsubscribing a held and a missing one
  // removes neither.
  EXPECT_EQ(request(*c, R"({"type":"subscribe","bundle":"TRADING","tokens":["BTC"]})")["type"],
            "subscribed");
  EXPECT_EQ(request(*c, R"({"type":"subscribe","channels":["ETH.trade"]})")["type"], "subscribed");
  json r = request(*c, R"({"type":"subscribe","channels":["SOL.trade","XRP.trade"]})");
  EXPECT_EQ(r["code"], "too_many_subscriptions");
  r = request(*c, R"({"type":"unsubscribe","channels":["ETH.trade","DOGE.trade"]})");
  EXPECT_EQ(r["code"], "not_subscribed");
  EXPECT_NE(r["message"].get<std::string>().find("DOGE.trade"), std::string::npos);
  EXPECT_EQ(request(*c, R"({"type":"unsubscribe","channels":["ETH.trade"]})")["type"],
            "unsubscribed");
  EXPECT_EQ(request(*c, R"({"type":"subscribe","channels":["SOL.trade","XRP.trade"]})")["type"],
            "subscribed");
  EXPECT_EQ(metric(R"(ws_client_errors_total{code="invalid_request"})"), 2);
  EXPECT_EQ(metric(R"(ws_client_errors_total{code="too_many_subscriptions"})"), 2);
  EXPECT_EQ(metric(R"(ws_client_errors_total{code="unknown_kind"})"), 1);
}

TEST_F(GatewayE2E, FramingViolationsCloseWithTheirCodes) {
  options o = test_options();
  o.max_message_bytes = 1024;
  start(o);
  auto binary = connect_client();
  ASSERT_TRUE(binary->send_binary("\x01\x02"));
  ws_message m = binary->read();
  EXPECT_EQ(m.what, ws_message::kind::closed);
  EXPECT_EQ(m.close_code, 1003);

  auto big = connect_client();
  ASSERT_TRUE(big->send_text(std::string(2000, 'x')));
  m = big->read();
  EXPECT_EQ(m.what, ws_message::kind::closed);
  EXPECT_EQ(m.close_code, 1009);

  auto utf8 = connect_client();
  ASSERT_TRUE(utf8->send_text("{\"type\":\"ping\",\"id\":\"\xff\xfe\"}"));
  m = utf8->read();
  EXPECT_EQ(m.what, ws_message::kind::closed);
  EXPECT_EQ(m.close_code, 1007);

  auto unmasked = connect_client();
  ASSERT_TRUE(unmasked->send_raw(std::string("\x81\x02{}", 4)));  // clients must mask
  m = unmasked->read();
  EXPECT_EQ(m.what, ws_message::kind::closed);
  EXPECT_EQ(m.close_code, 1002);

  // A WebSocket ping is answered with a pong carrying the same payload.
  auto pinger = connect_client();
  // Masked ping "hey" (mask 0), then a ping request whose text reply follows the pong.
  ASSERT_TRUE(pinger->send_raw(std::string("\x89\x83\x00\x00\x00\x00hey", 9)));
  ASSERT_TRUE(pinger->send_text(R"({"type":"ping"})"));
  EXPECT_EQ(pinger->read_text(), R"({"type":"pong"})");
  EXPECT_EQ(pinger->pongs(), (std::vector<std::string>{"hey"}));

  // A client close is echoed and the server lets go of the connection.
  auto closer = connect_client();
  EXPECT_TRUE(closer->close(1000));
  EXPECT_TRUE(wait_metric("ws_active_connections", 1));  // only the pinger is left
}

TEST_F(GatewayE2E, HttpEndpoints) {
  start();
  http_reply h = http_get(port(), "/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, R"({"status":"ok"})");
  EXPECT_EQ(h.header("content-type"), "application/json");
  EXPECT_EQ(http_get(port(), "/ready").status, 200);
  consumer_.set_ready(false);
  h = http_get(port(), "/ready");
  EXPECT_EQ(h.status, 503);
  EXPECT_NE(h.body.find("not_ready"), std::string::npos);
  // A bus outage: 503 with the reason, since when and how long; the metrics show it.
  consumer_.set_health(
      {.connected = false, .since_ms = 1700000000000, .outages = 2, .outage_ms = 5000});
  h = http_get(port(), "/ready");
  EXPECT_EQ(h.status, 503);
  EXPECT_NE(h.body.find(R"("reason":"bus unreachable: no broker answers")"), std::string::npos)
      << h.body;
  EXPECT_NE(h.body.find(R"("since":1700000000000,"sinceIso":"2023-11-14T22:13:20Z")"),
            std::string::npos)
      << h.body;
  EXPECT_NE(h.body.find(R"("outages":2)"), std::string::npos) << h.body;
  std::string outage_page = metrics();
  EXPECT_EQ(metric_value(outage_page, "kafka_consumer_connected"), 0);
  EXPECT_GT(metric_value(outage_page, "kafka_consumer_disconnected_seconds").value_or(0), 1e6);
  EXPECT_EQ(metric_value(outage_page, "kafka_consumer_outages_total"), 2);
  EXPECT_EQ(metric_value(outage_page, "kafka_consumer_outage_seconds_total"), 5);
  consumer_.set_health({});
  EXPECT_EQ(metric_value(metrics(), "kafka_consumer_connected"), 1);
  EXPECT_EQ(http_get(port(), "/nope").status, 404);
  EXPECT_EQ(http_get(port(), "/ws").status, 400);  // not an upgrade

  auto& family = prometheus::BuildCounter().Name("app_test_total").Help("t").Register(*registry_);
  family.Add({}).Increment(3);
  const std::string page = metrics();
  EXPECT_EQ(metric_value(page, "app_test_total"), 3);
  EXPECT_EQ(metric_value(page, "kafka_commit_errors_total"), 2);
  EXPECT_EQ(metric_value(page, "bus_records_skipped_total"), 7);
  EXPECT_EQ(metric_value(page, R"(kafka_consumer_lag{topic="odin.trades",partition="3"})"), 0);
  EXPECT_EQ(metric_value(page, R"(ws_connections_rejected_total{reason="bad_request"})"), 1);
  EXPECT_EQ(metric_value(page, "kafka_consumer_paused"), 0);
  EXPECT_EQ(metric_value(page, "ws_active_connections"), 0);
  EXPECT_EQ(metric_value(page, R"(ws_delivery_latency_seconds_bucket{le="+Inf"})"), 0);
}

// docs/plan.md's `wscat -c ws://host:3002` asks for `/`: it upgrades like `/ws`, and the two kinds
// of clients get the same events. A plain GET / (no Upgrade header) is no upgrade: 404 here.
TEST_F(GatewayE2E, RootPathUpgradesLikeWs) {
  start();
  ws_client on_root(port());
  ASSERT_EQ(on_root.connect("/"), 101);
  ws_client on_ws(port());
  ASSERT_EQ(on_ws.connect("/ws"), 101);
  ws_client with_query(port());
  ASSERT_EQ(with_query.connect("/?client=x"), 101);
  for (ws_client* c : {&on_root, &on_ws, &with_query}) {
    const json reply = request(*c, R"({"type":"subscribe","channels":["ROOT.trade"],"id":1})");
    ASSERT_EQ(reply["type"], "subscribed") << reply.dump();
  }
  const pushed p = push(kind::trade, "ROOT", R"({"n":1})");
  for (ws_client* c : {&on_root, &on_ws, &with_query}) {
    auto text = c->read_text();
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(*text, p.text);
  }
  EXPECT_TRUE(wait_metric("ws_active_connections", 3));
  EXPECT_EQ(http_get(port(), "/").status, 200);  // a plain GET / is the live page (src/web)
  ws_client elsewhere(port());
  EXPECT_EQ(elsewhere.connect("/wss"), 404);
}

}  // namespace
}  // namespace odin::gateway::test
