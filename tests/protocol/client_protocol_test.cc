#include "protocol/client_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace odin::protocol {
namespace {

const protocol_limits default_limits;

std::vector<std::string> names(const request& r) {
  std::vector<std::string> out;
  for (const auto& c : r.channels) out.push_back(model::format_channel(c));
  return out;
}

request parse_ok(std::string_view text, const protocol_limits& limits = default_limits) {
  auto r = parse_request(text, limits);
  EXPECT_TRUE(r) << text << " -> " << (r ? "" : r.error().message);
  return r ? std::move(r).value() : request{};
}

request_error parse_err(std::string_view text, const protocol_limits& limits = default_limits) {
  auto r = parse_request(text, limits);
  EXPECT_FALSE(r) << text;
  if (r) return {error_code::invalid_request, "<parsed>", ""};
  return r.error();
}

// ["T0<suffix>","T1<suffix>",...]
std::string numbered_list(int n, std::string_view suffix = "") {
  std::string out = "[";
  for (int i = 0; i < n; ++i) {
    out += (i > 0 ? ",\"T" : "\"T") + std::to_string(i) + std::string(suffix) + "\"";
  }
  return out + "]";
}

TEST(ParseRequest, BundleExpandsTokensThenKinds) {
  const request r = parse_ok(R"({"type":"subscribe","bundle":"TRADING","tokens":["BTC","ETH"]})");
  EXPECT_EQ(r.type, request_type::subscribe);
  EXPECT_EQ(r.id_json, "");
  EXPECT_EQ(names(r), (std::vector<std::string>{"BTC.trade", "BTC.liquidity", "BTC.analytics",
                                                "ETH.trade", "ETH.liquidity", "ETH.analytics"}));
}

TEST(ParseRequest, EveryBundleExpandsToItsKinds) {
  const std::pair<const char*, std::vector<std::string>> cases[] = {
      {"FULL_MARKET", {"X.trade", "X.liquidity", "X.analytics", "X.metadata"}},
      {"COMMUNITY", {"X.community", "X.social", "X.metadata"}},
      {"PORTFOLIO", {"X.trade", "X.analytics", "X.balances"}},
      {"PRICE_ONLY", {"X.trade", "X.analytics"}},
      {"ALL",
       {"X.trade", "X.liquidity", "X.metadata", "X.social", "X.community", "X.creation",
        "X.analytics", "X.balances"}},
  };
  for (const auto& [bundle, expected] : cases) {
    const std::string text =
        std::string(R"({"type":"subscribe","tokens":["X"],"bundle":")") + bundle + "\"}";
    EXPECT_EQ(names(parse_ok(text)), expected) << bundle;
  }
}

TEST(ParseRequest, ChannelsFormAndUnsubscribe) {
  const request r =
      parse_ok(R"({"type":"unsubscribe","channels":["BTC.trade","eth-2_x.balances"]})");
  EXPECT_EQ(r.type, request_type::unsubscribe);
  EXPECT_EQ(names(r), (std::vector<std::string>{"BTC.trade", "eth-2_x.balances"}));
  EXPECT_EQ(r.channels[1].token, "eth-2_x");
  EXPECT_EQ(r.channels[1].kind, model::kind::balances);
}

TEST(ParseRequest, BundleAndChannelsAreUnitedWithoutDuplicates) {
  const request r =
      parse_ok(R"({"type":"subscribe","bundle":"PRICE_ONLY","tokens":["BTC","ETH","BTC"],)"
               R"("channels":["SOL.trade","BTC.analytics","SOL.trade","BTC.metadata"]})");
  EXPECT_EQ(names(r), (std::vector<std::string>{"BTC.trade", "BTC.analytics", "ETH.trade",
                                                "ETH.analytics", "SOL.trade", "BTC.metadata"}));
}

TEST(ParseRequest, TokensAreCaseSensitive) {
  const request r = parse_ok(R"({"type":"subscribe","channels":["btc.trade","BTC.trade"]})");
  EXPECT_EQ(names(r), (std::vector<std::string>{"btc.trade", "BTC.trade"}));
}

TEST(ParseRequest, PingIgnoresOtherFields) {
  const request r = parse_ok(R"({"type":"ping","bundle":5,"tokens":"x"})");
  EXPECT_EQ(r.type, request_type::ping);
  EXPECT_TRUE(r.channels.empty());
}

TEST(ParseRequest, AuthCarriesItsTokenAndNeedsOne) {
  const request r = parse_ok(R"({"type":"auth","token":"a.b.c","id":3,"bundle":5})");
  EXPECT_EQ(r.type, request_type::auth);
  EXPECT_EQ(r.token, "a.b.c");
  EXPECT_EQ(r.id_json, "3");
  EXPECT_TRUE(r.channels.empty());
  for (const char* bad : {R"({"type":"auth"})", R"({"type":"auth","token":""})",
                          R"({"type":"auth","token":7,"id":1})"}) {
    const request_error e = parse_err(bad);
    EXPECT_EQ(e.code, error_code::invalid_request) << bad;
  }
  EXPECT_EQ(render_authenticated(1732283600, "9"),
            R"({"type":"authenticated","exp":1732283600,"id":9})");
  EXPECT_EQ(to_string(error_code::unauthorized), "unauthorized");
  EXPECT_EQ(to_string(error_code::forbidden), "forbidden");
}

TEST(ParseRequest, IdIsKeptAsRawJsonText) {
  EXPECT_EQ(parse_ok(R"({"type":"ping","id":7})").id_json, "7");
  EXPECT_EQ(parse_ok(R"({"id":"a","type":"ping"})").id_json, R"("a")");
  EXPECT_EQ(parse_ok(R"({"type":"ping","id": -0.50e+3 })").id_json, "-0.50e+3");
  EXPECT_EQ(parse_ok(R"({"type":"ping","id":"q\"\u00e9\n"})").id_json, R"("q\"\u00e9\n")");
  EXPECT_EQ(parse_ok("{\"type\":\"ping\",\"id\":\"\xc3\xa9t\xc3\xa9\"}").id_json,
            "\"\xc3\xa9t\xc3\xa9\"");
  const std::string max_id = "\"" + std::string(62, 'x') + "\"";  // 64 bytes of JSON text
  EXPECT_EQ(parse_ok(R"({"type":"ping","id":)" + max_id + "}").id_json, max_id);
}

TEST(ParseRequest, BadIdIsInvalidRequestWithoutEcho) {
  const std::string too_long = "\"" + std::string(63, 'x') + "\"";
  for (const std::string& id : {too_long, std::string("{}"), std::string("[1]"),
                                std::string("true"), std::string("null")}) {
    const request_error e = parse_err(R"({"type":"ping","id":)" + id + "}");
    EXPECT_EQ(e.code, error_code::invalid_request) << id;
    EXPECT_EQ(e.id_json, "") << id;
    EXPECT_NE(e.message.find("\"id\""), std::string::npos) << e.message;
  }
}

TEST(ParseRequest, IdIsEchoedInErrors) {
  const request_error e =
      parse_err(R"({"id":"r1","type":"subscribe","bundle":"NOPE","tokens":["A"]})");
  EXPECT_EQ(e.code, error_code::unknown_bundle);
  EXPECT_EQ(e.id_json, R"("r1")");
  // Read before the syntax error, so still echoed; an unclosed object is caught before any
  // field is read, so there is no id to echo.
  EXPECT_EQ(parse_err(R"({"id":12,"type":"ping","x":tru})").id_json, "12");
  EXPECT_EQ(parse_err(R"({"id":12,"type":"ping")").code, error_code::invalid_json);
  EXPECT_EQ(parse_err(R"({"id":12,"type":"what"})").id_json, "12");
}

TEST(ParseRequest, UnknownFieldsAreIgnoredButValidated) {
  const request r =
      parse_ok(R"({"v":2,"type":"subscribe","extra":{"a":[1,2.5e3,null,true,{"b":"\u20ac"}]},)"
               R"("channels":["BTC.trade"],"z":false})");
  EXPECT_EQ(names(r), (std::vector<std::string>{"BTC.trade"}));
  EXPECT_EQ(parse_err(R"({"type":"ping","x":tru})").code, error_code::invalid_json);
  EXPECT_EQ(parse_err(R"({"type":"ping","x":[1,]})").code, error_code::invalid_json);
  EXPECT_EQ(parse_err(R"({"type":"ping","x":"\q"})").code, error_code::invalid_json);
  EXPECT_EQ(parse_err(R"({"type":"ping","x":01})").code, error_code::invalid_json);
}

TEST(ParseRequest, RepeatedFieldLastOneWinsAndEscapedKeysMatch) {
  EXPECT_EQ(parse_ok(R"({"type":"subscribe","type":"ping"})").type, request_type::ping);
  EXPECT_EQ(parse_ok(R"({"t\u0079pe":"ping"})").type, request_type::ping);
  const request r =
      parse_ok(R"({"type":"subscribe","channels":["A.trade"],"channels":["B.trade"]})");
  EXPECT_EQ(names(r), (std::vector<std::string>{"B.trade"}));
}

TEST(ParseRequest, InvalidJson) {
  for (const std::string& text :
       {std::string(""), std::string("   "), std::string("{"), std::string(R"({"type":"ping")"),
        std::string(R"({"type":"ping"} x)"), std::string(R"({"type":"ping"}})"),
        std::string(R"({"type":"ping",})"), std::string(R"({'type':'ping'})"),
        std::string("{\"type\":\"ping\",\"x\":\"\xff\"}"), std::string("\"abc"),
        std::string(R"({"type":"ping","x":123456789012345678901234567890})")}) {
    const request_error e = parse_err(text);
    EXPECT_EQ(e.code, error_code::invalid_json) << text;
    EXPECT_EQ(e.message.rfind("invalid JSON: ", 0), 0u) << e.message;
  }
}

TEST(ParseRequest, NestingIsLimited) {
  auto nested = [](std::size_t containers) {  // the top-level object counts as one
    const std::size_t arrays = containers - 1;
    return R"({"type":"ping","x":)" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
  };
  EXPECT_TRUE(parse_request(nested(max_json_depth), default_limits));
  EXPECT_EQ(parse_err(nested(max_json_depth + 1)).code, error_code::invalid_json);
  EXPECT_EQ(parse_err(nested(20000)).code, error_code::invalid_json);  // no deep recursion
}

TEST(ParseRequest, TopLevelNotAnObject) {
  for (const char* text : {"[1,2]", "\"ping\"", "5", "null", "true"}) {
    EXPECT_EQ(parse_err(text).code, error_code::invalid_request) << text;
  }
  EXPECT_EQ(parse_err("[1,2").code, error_code::invalid_json);
  // Found by fuzz_client_protocol: simdjson 3.0.1 On-Demand alone misjudges these root scalars.
  for (const char* text : {"falseS", "trueX", "nullx", "false x", "\"a\"x", "1 2"}) {
    EXPECT_EQ(parse_err(text).code, error_code::invalid_json) << text;
  }
  EXPECT_EQ(parse_err("\t\ttrue\t\t\t\t\t").code, error_code::invalid_request);
  EXPECT_EQ(parse_err(" [[1],{\"a\":null}] ").code, error_code::invalid_request);
}

TEST(ParseRequest, TypeRules) {
  EXPECT_EQ(parse_err(R"({"channels":["BTC.trade"]})").code, error_code::unknown_type);
  const request_error unknown = parse_err(R"({"type":"Subscribe"})");
  EXPECT_EQ(unknown.code, error_code::unknown_type);
  EXPECT_NE(unknown.message.find(R"("Subscribe")"), std::string::npos) << unknown.message;
  EXPECT_EQ(parse_err(R"({"type":5})").code, error_code::invalid_request);
}

TEST(ParseRequest, ShapeRules) {
  const std::pair<const char*, error_code> cases[] = {
      {R"({"type":"subscribe","tokens":["BTC"]})", error_code::invalid_request},
      {R"({"type":"subscribe"})", error_code::invalid_request},
      {R"({"type":"subscribe","bundle":"TRADING"})", error_code::empty_tokens},
      {R"({"type":"subscribe","bundle":"TRADING","tokens":[]})", error_code::empty_tokens},
      {R"({"type":"unsubscribe","channels":[]})", error_code::empty_tokens},
      {R"({"type":"subscribe","bundle":5,"tokens":["A"]})", error_code::invalid_request},
      {R"({"type":"subscribe","bundle":"ALL","tokens":"BTC"})", error_code::invalid_request},
      {R"({"type":"subscribe","bundle":"ALL","tokens":["BTC",1]})", error_code::invalid_request},
      {R"({"type":"subscribe","channels":{"a":1}})", error_code::invalid_request},
      {R"({"type":"subscribe","channels":[null]})", error_code::invalid_request},
  };
  for (const auto& [text, code] : cases) {
    const request_error e = parse_err(text);
    EXPECT_EQ(e.code, code) << text << " -> " << e.message;
    EXPECT_FALSE(e.message.empty());
  }
}

TEST(ParseRequest, TooManyTokensOrChannels) {
  const std::string tokens100 =
      R"({"type":"subscribe","bundle":"ALL","tokens":)" + numbered_list(100) + "}";
  EXPECT_EQ(parse_ok(tokens100).channels.size(), 800u);
  const std::string tokens101 =
      R"({"type":"subscribe","bundle":"ALL","tokens":)" + numbered_list(101) + "}";
  const request_error e = parse_err(tokens101);
  EXPECT_EQ(e.code, error_code::too_many_tokens);
  EXPECT_NE(e.message.find("101"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("100"), std::string::npos) << e.message;
  const std::string channels =
      R"({"type":"subscribe","channels":)" + numbered_list(3, ".trade") + "}";
  EXPECT_EQ(parse_err(channels, protocol_limits{2}).code, error_code::too_many_tokens);
  EXPECT_EQ(parse_ok(channels, protocol_limits{3}).channels.size(), 3u);
}

TEST(ParseRequest, ValueErrorsNameTheValue) {
  struct example {
    const char* text;
    error_code code;
    const char* needle;
  };
  const example cases[] = {
      {R"({"type":"subscribe","bundle":"trading","tokens":["A"]})", error_code::unknown_bundle,
       R"("trading")"},
      {R"({"type":"subscribe","bundle":"ALL","tokens":["A B"]})", error_code::invalid_token,
       R"("A B": token may contain only)"},
      {R"({"type":"subscribe","bundle":"ALL","tokens":[""]})", error_code::invalid_token,
       "token is empty"},
      {R"({"type":"subscribe","bundle":"ALL","tokens":["ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"]})",
       error_code::invalid_token, "longer than 32"},
      {R"({"type":"subscribe","channels":["BTC"]})", error_code::invalid_channel, R"("BTC")"},
      {R"({"type":"subscribe","channels":[".trade"]})", error_code::invalid_channel, "empty"},
      {R"({"type":"subscribe","channels":["B/C.trade"]})", error_code::invalid_channel,
       "may contain only"},
      {R"({"type":"subscribe","channels":["BTC.trades"]})", error_code::unknown_kind,
       R"(unknown kind "trades" in channel "BTC.trades")"},
  };
  for (const auto& c : cases) {
    const request_error e = parse_err(c.text);
    EXPECT_EQ(e.code, c.code) << c.text;
    EXPECT_NE(e.message.find(c.needle), std::string::npos) << e.message;
  }
}

TEST(ParseRequest, EchoedValuesAreTruncatedAndEscaped) {
  const std::string long_name = std::string(63, 'B') + "\xc3\xa9" + std::string(100, 'C');
  const request_error e =
      parse_err(R"({"type":"subscribe","tokens":["A"],"bundle":")" + long_name + "\"}");
  EXPECT_EQ(e.code, error_code::unknown_bundle);
  // Cut before the 2-byte character that straddles byte 64, never inside it.
  EXPECT_NE(e.message.find("\"" + std::string(63, 'B') + "\"..."), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("BC"), std::string::npos);

  const request_error q = parse_err(R"({"type":"subscribe","channels":["a\"\n\u0001"]})");
  EXPECT_NE(q.message.find(R"("a\"\n\u0001")"), std::string::npos) << q.message;
  const auto reply = nlohmann::json::parse(render_error(q));
  EXPECT_EQ(reply["message"], q.message);
}

TEST(ParseRequest, IsSafeFromManyThreads) {
  auto work = [] {
    for (int i = 0; i < 2000; ++i) {
      auto r = parse_request(R"({"type":"subscribe","bundle":"TRADING","tokens":["BTC"]})",
                             default_limits);
      if (!r || r.value().channels.size() != 3) return false;
    }
    return true;
  };
  bool a = false;
  bool b = false;
  std::thread t1([&] { a = work(); });
  std::thread t2([&] { b = work(); });
  t1.join();
  t2.join();
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
}

TEST(Render, Replies) {
  EXPECT_EQ(render_subscribed({"BTC.trade"}, "7"),
            R"({"type":"subscribed","channels":["BTC.trade"],"id":7})");
  EXPECT_EQ(render_subscribed({"A.trade", "B.social"}, ""),
            R"({"type":"subscribed","channels":["A.trade","B.social"]})");
  EXPECT_EQ(render_unsubscribed({}, R"("x")"), R"({"type":"unsubscribed","channels":[],"id":"x"})");
  EXPECT_EQ(render_pong(""), R"({"type":"pong"})");
  EXPECT_EQ(render_pong("1.5"), R"({"type":"pong","id":1.5})");
  EXPECT_EQ(render_error(error_code::unknown_bundle, "no \"X\"", R"("a")"),
            R"({"type":"error","code":"unknown_bundle","message":"no \"X\"","id":"a"})");
}

TEST(Render, ErrorRepliesAreValidJsonForEveryParseError) {
  for (const char* text : {R"({"id":"q","type":"subscribe","channels":["\u0000.trade"]})",
                           R"({"id":3,"type":"x\u0001"})", R"({"type":"ping","id":{"a":1}})"}) {
    const request_error e = parse_err(text);
    const auto reply = nlohmann::json::parse(render_error(e));
    EXPECT_EQ(reply["type"], "error");
    EXPECT_EQ(reply["code"], std::string(to_string(e.code)));
    EXPECT_EQ(reply["message"], e.message);
  }
}

TEST(ErrorCode, NamesAreDistinctSnakeCase) {
  std::set<std::string_view> seen;
  for (int i = 0; i <= static_cast<int>(error_code::not_subscribed); ++i) {
    const std::string_view name = to_string(static_cast<error_code>(i));
    EXPECT_TRUE(seen.insert(name).second) << name;
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
  }
  EXPECT_EQ(seen.size(), 11u);
  EXPECT_EQ(to_string(error_code::too_many_subscriptions), "too_many_subscriptions");
}

}  // namespace
}  // namespace odin::protocol
