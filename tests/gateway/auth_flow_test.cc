// Client identity over the wire (issue 9): tokens on the upgrade (401 matrix), private
// balances (forbidden without a token, each user only their own, admins all, replays and
// snapshots filtered), `auth` refresh and close 4001 at expiry.
#include <gtest/gtest.h>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "auth/test_keys.h"
#include "gateway/gateway_fixture.h"

namespace odin::gateway::test {
namespace {

using json = nlohmann::json;
using model::kind;

const std::string secret = "an-hs256-test-secret-of-at-least-32-bytes!";

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An HS256 token for `sub` valid for `ttl` seconds; `extra` members are added to the claims.
std::string token_for(const std::string& sub, int64_t ttl = 300, const std::string& extra = "",
                      const std::string& key = secret) {
  const std::string claims =
      R"({"sub":")" + sub + R"(","exp":)" + std::to_string(now_s() + ttl) + extra + "}";
  return odin::test::signed_token(R"({"alg":"HS256","typ":"JWT"})", claims, key);
}

std::string balance_value(const std::string& token, const std::string& user, int balance) {
  return R"({"type":"BALANCE_UPDATED","tokenId":")" + token +
         R"(","timestamp":1700000000000,"userId":")" + user + R"(","balance":)" +
         std::to_string(balance) + "}";
}

// A raw upgrade request: the status line's code, the headers and the body of the answer.
struct raw_answer {
  int status = 0;
  std::string head;
  std::string body;
};

raw_answer raw_upgrade(uint16_t port, const std::string& target, const std::string& extra_header) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {};
  const std::string req = "GET " + target +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: "
                          "websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                          "dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                          extra_header + "\r\n";
  asio::write(s, asio::buffer(req), ec);
  if (ec) return {};
  struct timeval tv {
    3, 0
  };
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string text;
  char buf[4096];
  for (int i = 0; i < 64; ++i) {  // until the server closes (401) or the 101 head is complete
    const ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.starts_with("HTTP/1.1 101") && text.find("\r\n\r\n") != std::string::npos) break;
  }
  raw_answer a;
  if (text.size() < 12) return a;
  a.status = std::stoi(text.substr(9, 3));
  const std::size_t end = text.find("\r\n\r\n");
  a.head = text.substr(0, end);
  if (end != std::string::npos) a.body = text.substr(end + 4);
  return a;
}

class AuthFlow : public gateway_fixture {
 protected:
  void start_auth(auth_mode mode = auth_mode::optional, bool public_balances = false,
                  std::chrono::seconds leeway = std::chrono::seconds(30)) {
    options o = test_options();
    o.auth.mode = mode;
    o.auth.jwt.hs256_secret = secret;
    o.auth.jwt.leeway = leeway;
    o.auth.public_balances = public_balances;
    o.history_ttl = std::chrono::hours(24 * 365 * 10);  // the fixture's events are from 2023
    start(o);
  }

  std::unique_ptr<ws_client> connect_as(const std::string& token) {
    auto c = std::make_unique<ws_client>(port());
    EXPECT_EQ(c->connect("/ws?token=" + token), 101);
    return c;
  }

  // Subscribes and checks the reply type.
  void subscribe(ws_client& c, const std::string& request, const std::string& type) {
    const json reply = gateway_fixture::request(c, request);
    ASSERT_EQ(reply.value("type", ""), type) << reply.dump();
  }

  // Reads text frames up to and including `last` (the test's final event: frames of one
  // shard leave in push order, so anything that should not come would have come before it).
  static std::vector<std::string> collect(ws_client& c, const std::string& last) {
    bool complete = false;
    auto got = c.read_until(last, complete);
    EXPECT_TRUE(complete) << "the last event never came";
    got.push_back(last);
    return got;
  }
};

TEST_F(AuthFlow, AnonymousGetsForbiddenOnBalancesButPublicChannelsWork) {
  start_auth();
  auto anon = connect_client();
  for (const std::string req :
       {R"({"type":"subscribe","channels":["BTC.balances"],"id":1})",
        R"({"type":"subscribe","bundle":"PORTFOLIO","tokens":["BTC"],"id":1})",
        R"({"type":"subscribe","bundle":"ALL","tokens":["BTC"],"id":1})",
        R"({"type":"subscribe","channels":["BTC.trade","ETH.balances"],"id":1})"}) {
    const json reply = request(*anon, req);
    EXPECT_EQ(reply.value("type", ""), "error") << req;
    EXPECT_EQ(reply.value("code", ""), "forbidden") << req;
    EXPECT_EQ(reply.value("id", 0), 1);
  }
  // All or nothing: BTC.trade of the refused request was not added; now it is.
  subscribe(*anon, R"({"type":"subscribe","channels":["BTC.trade"]})", "subscribed");
  const pushed trade = push(kind::trade, "BTC", R"({"price":1})");
  push_value(kind::balances, "BTC", balance_value("BTC", "user-a", 1));
  const pushed last = push(kind::trade, "BTC", R"({"price":2})");
  EXPECT_EQ(collect(*anon, last.text), (std::vector<std::string>{trade.text, last.text}));
  EXPECT_TRUE(wait_metric(R"(ws_client_errors_total{code="forbidden"})", 4));
}

TEST_F(AuthFlow, EachUserGetsOnlyTheirOwnBalancesAndAdminsAll) {
  start_auth();
  auto a = connect_as(token_for("user-a"));
  auto b = connect_as(token_for("user-b"));
  auto admin = connect_as(token_for("ops", 300, R"(,"odin_admin":true)"));
  for (ws_client* c : {a.get(), b.get(), admin.get()}) {
    subscribe(*c, R"({"type":"subscribe","bundle":"PORTFOLIO","tokens":["BTC"]})", "subscribed");
  }
  std::vector<pushed> all;
  for (int i = 0; i < 3; ++i) {
    all.push_back(push_value(kind::balances, "BTC", balance_value("BTC", "user-a", i)));
    all.push_back(push_value(kind::balances, "BTC", balance_value("BTC", "user-b", i)));
    all.push_back(push_value(kind::balances, "BTC", balance_value("BTC", "user-c", i)));
    all.push_back(push(kind::trade, "BTC", R"({"price":)" + std::to_string(i) + "}"));
  }
  all.push_back(push(kind::trade, "BTC", R"({"price":99})"));
  const std::string last = all.back().text;
  auto own = [&](const std::string& user) {
    std::vector<std::string> out;
    for (const pushed& p : all) {
      if (p.channel == "BTC.trade" ||
          p.text.find(R"("userId":")" + user + "\"") != std::string::npos)
        out.push_back(p.text);
    }
    return out;
  };
  EXPECT_EQ(collect(*a, last), own("user-a"));
  EXPECT_EQ(collect(*b, last), own("user-b"));
  std::vector<std::string> every;
  for (const pushed& p : all) every.push_back(p.text);
  EXPECT_EQ(collect(*admin, last), every);
}

TEST_F(AuthFlow, PublicBalancesOptInServesAnonymousClients) {
  start_auth(auth_mode::off, true);
  auto anon = connect_client();
  // Auth off: `auth` is answered as by a server without it.
  const json off = request(*anon, R"({"type":"auth","token":"a.b.c","id":2})");
  EXPECT_EQ(off.value("code", ""), "unknown_type") << off.dump();
  subscribe(*anon, R"({"type":"subscribe","channels":["BTC.balances"]})", "subscribed");
  const pushed p1 = push_value(kind::balances, "BTC", balance_value("BTC", "user-a", 1));
  const pushed p2 = push_value(kind::balances, "BTC", balance_value("BTC", "user-b", 2));
  EXPECT_EQ(collect(*anon, p2.text), (std::vector<std::string>{p1.text, p2.text}));
}

TEST_F(AuthFlow, BadTokensAreRefusedWith401) {
  start_auth();
  const std::string claims = R"({"sub":"u","exp":)" + std::to_string(now_s() + 300) + "}";
  const std::string hs = R"({"alg":"HS256"})";
  const std::string big(9000, 'a');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {token_for("u", -100), "expired"},
      {odin::test::signed_token(hs,
                                R"({"sub":"u","exp":)" + std::to_string(now_s() + 300) +
                                    R"(,"nbf":)" + std::to_string(now_s() + 200) + "}",
                                secret),
       "not_yet_valid"},
      {token_for("u", 300, "", "another-secret-that-is-32-bytes-long!!"), "bad_signature"},
      {odin::test::make_token(R"({"alg":"none"})", claims, ""), "unsupported_alg"},
      {"garbage", "malformed"},
      {big, "too_large"},
  };
  for (const auto& [token, reason] : cases) {
    const raw_answer a = raw_upgrade(port(), "/ws?token=" + token, "");
    EXPECT_EQ(a.status, 401) << reason;
    EXPECT_NE(a.head.find(R"(WWW-Authenticate: Bearer error="invalid_token")"), std::string::npos)
        << a.head;
    const json body = json::parse(a.body, nullptr, false);
    EXPECT_EQ(body.value("error", ""), "unauthorized") << a.body;
    EXPECT_EQ(body.value("reason", ""), reason) << a.body;
    EXPECT_EQ(a.body.find(token.substr(0, 20)), std::string::npos) << "the token is echoed";
  }
  // The same bad token as a Bearer header.
  EXPECT_EQ(raw_upgrade(port(), "/ws", "Authorization: Bearer garbage\r\n").status, 401);
  EXPECT_TRUE(wait_metric(R"(ws_connections_rejected_total{reason="unauthorized"})", 7));
  // No token in optional mode: anonymous, accepted.
  EXPECT_EQ(raw_upgrade(port(), "/ws", "").status, 101);
}

TEST_F(AuthFlow, RequiredModeRefusesNoTokenAndAcceptsBothForms) {
  start_auth(auth_mode::required);
  const raw_answer none = raw_upgrade(port(), "/ws", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body.find(R"("reason":"missing_token")"), std::string::npos) << none.body;
  const std::string t = token_for("user-a");
  EXPECT_EQ(raw_upgrade(port(), "/ws", "Authorization: Bearer " + t + "\r\n").status, 101);
  // ?token= among other parameters, on `/` too: routing and the other parameters unaffected.
  EXPECT_EQ(raw_upgrade(port(), "/?lang=en&token=" + t + "&x=1", "").status, 101);
  EXPECT_EQ(raw_upgrade(port(), "/ws?token=" + t, "Authorization: Bearer " + t + "\r\n").status,
            101);
  EXPECT_EQ(
      raw_upgrade(port(), "/ws?token=" + token_for("user-b"), "Authorization: Bearer " + t + "\r\n")
          .status,
      401);
  // The live page is not an upgrade: still served without a token.
  EXPECT_EQ(http_get(port(), "/?token=x").status, 200);
}

TEST_F(AuthFlow, HsTokenSignedWithThePublicKeyIsRefusedWhenRs256IsConfigured) {
  const auto key = odin::test::test_key::rsa();
  char path[] = "/tmp/odin-auth-test-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << key.public_pem();
  options o = test_options();
  o.auth.mode = auth_mode::required;
  o.auth.jwt.public_key_file = path;
  start(o);
  const std::string claims = R"({"sub":"u","exp":)" + std::to_string(now_s() + 300) + "}";
  const std::string forged =
      odin::test::signed_token(R"({"alg":"HS256"})", claims, key.public_pem());
  const raw_answer a = raw_upgrade(port(), "/ws?token=" + forged, "");
  EXPECT_EQ(a.status, 401);
  EXPECT_NE(a.body.find(R"("reason":"alg_mismatch")"), std::string::npos) << a.body;
  const std::string good = odin::test::signed_token(R"({"alg":"RS256"})", claims, key);
  EXPECT_EQ(raw_upgrade(port(), "/ws?token=" + good, "").status, 101);
  std::remove(path);
}

TEST_F(AuthFlow, AuthRefreshKeepsTheConnectionAndRefusesAnotherUser) {
  start_auth(auth_mode::optional, false, std::chrono::seconds(0));
  auto a = connect_as(token_for("user-a", 2));
  subscribe(*a, R"({"type":"subscribe","channels":["BTC.balances"]})", "subscribed");
  auto c = connect_as(token_for("user-c", 2));  // not refreshed: closed with 4001

  json reply = request(*a, R"({"type":"auth","token":"garbage","id":7})");
  EXPECT_EQ(reply.value("code", ""), "unauthorized") << reply.dump();
  reply = request(*a, R"({"type":"auth","token":")" + token_for("user-b", 60) + R"(","id":8})");
  EXPECT_EQ(reply.value("code", ""), "forbidden") << reply.dump();
  const std::string fresh = token_for("user-a", 60);
  reply = request(*a, R"({"type":"auth","token":")" + fresh + R"(","id":9})");
  EXPECT_EQ(reply.value("type", ""), "authenticated") << reply.dump();
  EXPECT_EQ(reply.value("id", 0), 9);
  EXPECT_GE(reply.value("exp", int64_t{0}), now_s() + 50);

  // Past the first token's exp: still open, still user-a's balances only.
  const ws_message closed = c->read(std::chrono::seconds(6));
  EXPECT_EQ(closed.what, ws_message::kind::closed);
  EXPECT_EQ(closed.close_code, 4001);
  const pushed mine = push_value(kind::balances, "BTC", balance_value("BTC", "user-a", 1));
  push_value(kind::balances, "BTC", balance_value("BTC", "user-b", 2));
  const pushed last = push_value(kind::balances, "BTC", balance_value("BTC", "user-a", 3));
  EXPECT_EQ(collect(*a, last.text), (std::vector<std::string>{mine.text, last.text}));

  // Unsubscribing leaves the index under the user's key (session_services), gauge included.
  EXPECT_TRUE(wait_metric("ws_subscriptions", 1));
  reply = request(*a, R"({"type":"unsubscribe","channels":["BTC.balances"]})");
  EXPECT_EQ(reply.value("type", ""), "unsubscribed") << reply.dump();
  EXPECT_TRUE(wait_metric("ws_subscriptions", 0));
  subscribe(*a, R"({"type":"subscribe","channels":["BTC.trade"]})", "subscribed");
  push_value(kind::balances, "BTC", balance_value("BTC", "user-a", 4));
  const pushed trade = push(kind::trade, "BTC", R"({"price":1})");
  EXPECT_EQ(collect(*a, trade.text), (std::vector<std::string>{trade.text}));
}

TEST_F(AuthFlow, AnonymousConnectionMayAuthenticateLater) {
  start_auth();
  auto c = connect_client();
  json reply = request(*c, R"({"type":"auth","token":")" + token_for("user-a") + R"("})");
  EXPECT_EQ(reply.value("type", ""), "authenticated") << reply.dump();
  subscribe(*c, R"({"type":"subscribe","channels":["BTC.balances"]})", "subscribed");
  const pushed mine = push_value(kind::balances, "BTC", balance_value("BTC", "user-a", 1));
  push_value(kind::balances, "BTC", balance_value("BTC", "user-b", 1));
  const pushed last = push_value(kind::balances, "BTC", balance_value("BTC", "user-a", 2));
  EXPECT_EQ(collect(*c, last.text), (std::vector<std::string>{mine.text, last.text}));
}

TEST_F(AuthFlow, ReplayAndSnapshotOfBalancesAreFilteredByUser) {
  start_auth();
  auto watcher = connect_as(token_for("ops", 300, R"(,"odin_admin":true)"));
  subscribe(*watcher, R"({"type":"subscribe","channels":["BTC.balances"]})", "subscribed");
  std::vector<pushed> all;
  for (int i = 0; i < 4; ++i) {
    all.push_back(push_value(kind::balances, "BTC", balance_value("BTC", "user-a", i)));
    all.push_back(push_value(kind::balances, "BTC", balance_value("BTC", "user-b", i)));
  }
  ASSERT_EQ(collect(*watcher, all.back().text).size(), all.size());  // in the history now
  const json first = json::parse(all[0].text);
  const std::string since = first["pos"];

  auto a = connect_as(token_for("user-a"));
  const json reply = request(*a, R"({"type":"subscribe","channels":["BTC.balances"],"since":)"
                                 R"({"BTC.balances":")" +
                                     since + R"("}})");
  ASSERT_EQ(reply.value("type", ""), "subscribed") << reply.dump();
  EXPECT_TRUE(reply["recovered"]["BTC.balances"].get<bool>());
  EXPECT_EQ(collect(*a, all[6].text),
            (std::vector<std::string>{all[2].text, all[4].text, all[6].text}));

  auto b = connect_as(token_for("user-b"));
  const json snap =
      request(*b, R"({"type":"subscribe","channels":["BTC.balances"],"snapshot":true})");
  ASSERT_EQ(snap.value("type", ""), "subscribed") << snap.dump();
  const auto got = b->read_text();
  ASSERT_TRUE(got);
  const json event = json::parse(*got);
  EXPECT_EQ(event["data"]["userId"], "user-b");
  EXPECT_EQ(event["data"]["balance"], 3);
  EXPECT_TRUE(event.value("snapshot", false));
}

}  // namespace
}  // namespace odin::gateway::test
