// Bad HTTP input: each malformed request gets the right status and a JSON error body, and the
// server keeps serving. Also the connection handling: deadlines, keep-alive, 100-continue,
// the connection limit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "publisher_fixture.h"
#include "support/http_client.h"

namespace odin::publisher::testing {

using namespace ::odin::test;  // support/http_client.h
namespace {

using ::testing::HasSubstr;

options small_limits() {
  options o = local_options();
  o.max_body_bytes = 4096;
  o.max_batch = 10;
  o.request_timeout = 1s;
  return o;
}

const std::string trade =
    R"({"type":"TRADE_EXECUTED","tokenId":"BTC","data":{"price":1,"volume":1,"side":"buy","amount":1}})";

std::string batch_of(int n) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) out += (i ? "," : "") + trade;
  return out + "]";
}

struct bad_case {
  std::string name;
  std::string request;  // raw bytes
  int status;
  std::string error;    // expected "error" code
  std::string message;  // expected part of the message (or of the whole body)
};

std::vector<bad_case> bad_cases() {
  const std::string slash_ok = "\r\n";
  return {
      {"wrong method on /events", request_text("GET", "/events", {}, {}), 405, "method_not_allowed",
       "/events accepts POST only"},
      {"wrong method on /stats", request_text("DELETE", "/stats", {}, {}), 405,
       "method_not_allowed", "/stats accepts GET only"},
      {"unknown path", request_text("GET", "/nope", {}, {}), 404, "not_found", "POST /events"},
      {"no body", request_text("POST", "/events", {}), 400, "empty_body", "needs a JSON body"},
      {"invalid JSON", request_text("POST", "/events", R"({"type":"TRADE_EXECUTED",)"), 400,
       "invalid_json", "not valid JSON"},
      {"not an event", request_text("POST", "/events", R"("hello")"), 400, "invalid_body",
       "one event (a JSON object) or an array"},
      {"wrong types",
       request_text("POST", "/events",
                    R"({"type":"TRADE_EXECUTED","tokenId":"BTC","data":{"price":"1","volume":1,)"
                    R"("side":"buy","amount":1}})"),
       400, "invalid_events",
       R"("pointer":"/data/price","message":"must be a number, not a string")"},
      {"unknown event type",
       request_text("POST", "/events", R"({"type":"TRADE_IMPLODED","tokenId":"BTC","data":{}})"),
       400, "invalid_events", R"(unknown event type \"TRADE_IMPLODED\")"},
      {"token too long",
       request_text("POST", "/events",
                    R"({"type":"TRADE_EXECUTED","tokenId":")" + std::string(40, 'T') +
                        R"(","data":{"price":1,"volume":1,"side":"buy","amount":1}})"),
       400, "invalid_events",
       R"("pointer":"/tokenId","message":"token is longer than 32 characters")"},
      {"body over the limit", request_text("POST", "/events", std::string(5000, ' ') + trade), 413,
       "body_too_large", "larger than 4096 bytes"},
      {"chunked body over the limit",
       "POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Transfer-Encoding: chunked\r\n\r\n1388\r\n" +
           std::string(5000, ' ') + "\r\n0\r\n\r\n",
       413, "body_too_large", "larger than 4096 bytes"},
      {"batch over the limit", request_text("POST", "/events", batch_of(11)), 413,
       "batch_too_large", "11 events; at most 10"},
      {"empty batch", request_text("POST", "/events", "[]"), 400, "empty_batch", "no events"},
      {"wrong content type", request_text("POST", "/events", trade, "text/plain"), 415,
       "unsupported_media_type", "application/json"},
      {"multipart content type", request_text("POST", "/events", trade, "multipart/form-data"), 415,
       "unsupported_media_type", "application/json"},
      {"malformed HTTP", "HELLO WORLD\r\n\r\n", 400, "bad_request", "malformed HTTP request"},
      {"control: invalid JSON", request_text("POST", "/control", "{"), 400, "invalid_json",
       "not valid JSON"},
      {"control: no body", request_text("POST", "/control", ""), 400, "empty_body",
       R"(\"action\":\"stop\")"},
  };
}

TEST(HttpInput, BadRequestsGetTheRightStatusAndTheServerKeepsServing) {
  memory_stack stack(small_limits());
  for (const bad_case& c : bad_cases()) {
    SCOPED_TRACE(c.name);
    raw_client client(stack.port());
    ASSERT_TRUE(client.send(c.request));
    auto a = client.read_answer(5s);
    ASSERT_TRUE(a.has_value()) << "no answer";
    EXPECT_EQ(a->status, c.status) << a->body;
    EXPECT_THAT(a->headers["content-type"], HasSubstr("application/json"));
    const json body = json::parse(a->body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << a->body;
    EXPECT_EQ(body.value("error", ""), c.error) << a->body;
    EXPECT_TRUE(body.contains("message")) << a->body;
    EXPECT_THAT(a->body, HasSubstr(c.message));
    if (c.status == 405) {
      EXPECT_FALSE(a->headers["allow"].empty());
    }
    // Still serving, on a new connection.
    EXPECT_EQ(http_get(stack.port(), "/health").status, 200);
  }
  EXPECT_EQ(stack.srv.stats().messages_published(), 0u);
  EXPECT_EQ(consume(*stack.consumer, 1, 200ms).size(), 0u);
  // And a good request still works.
  EXPECT_EQ(post_json(stack.port(), "/events", trade).status, 202);
}

TEST(HttpInput, SlowBodyGets408WithinTheDeadlineAndIsClosed) {
  memory_stack stack(small_limits());
  raw_client client(stack.port());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(
      client.send("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: 200\r\n\r\n{\"type\":"));
  std::optional<http_reply> a;
  for (int i = 0; i < 40 && !a; ++i) {  // one byte per 100 ms: 200 bytes would take 20 s
    if (!client.send(" ")) break;
    a = client.read_answer(100ms);
  }
  if (!a) a = client.read_answer(2s);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, 408);
  EXPECT_EQ(json::parse(a->body)["error"], "request_timeout");
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 2500ms);
  EXPECT_TRUE(client.wait_closed(3s));
  EXPECT_EQ(http_get(stack.port(), "/health").status, 200);
}

TEST(HttpInput, SlowHeaderGets408Too) {
  memory_stack stack(small_limits());
  raw_client client(stack.port());
  ASSERT_TRUE(client.send("GET /stats HTTP/1.1\r\n"));
  std::optional<http_reply> a;
  for (int i = 0; i < 40 && !a; ++i) {
    if (!client.send("X")) break;
    a = client.read_answer(100ms);
  }
  if (!a) a = client.read_answer(2s);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, 408);
  EXPECT_TRUE(client.wait_closed(3s));
}

TEST(HttpInput, KeepAliveServesSeveralRequestsThenIdleConnectionsClose) {
  memory_stack stack(small_limits());
  raw_client client(stack.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.send(request_text("POST", "/events", trade)));
    const auto a = client.read_answer(5s);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->status, 202);
    EXPECT_TRUE(a->keep_alive);
  }
  // Two pipelined requests.
  ASSERT_TRUE(
      client.send(request_text("GET", "/health", {}, {}) + request_text("GET", "/stats", {}, {})));
  EXPECT_THAT(client.read_answer(5s).value_or(http_reply{}).body,
              HasSubstr(R"("publisher":"connected")"));
  EXPECT_EQ(json::parse(client.read_answer(5s).value_or(http_reply{}).body)["messagesPublished"],
            3);
  // Idle past request_timeout (1 s): closed without an answer.
  EXPECT_TRUE(client.wait_closed(3s));
}

TEST(HttpInput, ExpectContinueIsAnswered) {
  memory_stack stack(small_limits());
  raw_client client(stack.port());
  ASSERT_TRUE(
      client.send("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Expect: 100-continue\r\nContent-Length: " +
                  std::to_string(trade.size()) + "\r\n\r\n"));
  const auto interim = client.read_answer(2s);
  ASSERT_TRUE(interim.has_value());
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.send(trade));
  const auto a = client.read_answer(5s);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->status, 202);
}

TEST(HttpInput, ConnectionLimit) {
  options o = small_limits();
  o.max_connections = 2;
  o.request_timeout = 5s;
  memory_stack stack(o);
  auto a = std::make_unique<raw_client>(stack.port());
  raw_client b(stack.port());
  for (raw_client* c : {a.get(), &b}) {  // answered: both are accepted and counted
    ASSERT_TRUE(c->send(request_text("GET", "/health", {}, {})));
    ASSERT_TRUE(c->read_answer(2s).has_value());
  }
  const http_reply refused = http_get(stack.port(), "/health");
  EXPECT_EQ(refused.status, 503);
  EXPECT_THAT(refused.body, HasSubstr("too_many_connections"));
  a.reset();
  // (done() must be idempotent: poll_until calls it once more at the end)
  bool served = false;
  EXPECT_TRUE(poll_until(
      [&] { return served || (served = http_get(stack.port(), "/health").status == 200); }, 3s));
}

}  // namespace
}  // namespace odin::publisher::testing

namespace odin::publisher::testing {
namespace {

TEST(HttpInput, APortInUseIsAClearStartError) {
  memory_stack first;
  options o = local_options();
  o.port = first.port();
  bus::memory_bus bus{bus::memory_options{}};
  auto producer = bus.make_producer();
  sim::simulator simulator(*producer);
  server second(o, *producer, simulator, model::topic_map{}, nullptr);
  try {
    second.start();
    ADD_FAILURE() << "started on a port in use";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(),
                ::testing::HasSubstr("cannot listen on 127.0.0.1:" + std::to_string(first.port())));
  }
  EXPECT_EQ(http_get(first.port(), "/health").status, 200);
}

}  // namespace
}  // namespace odin::publisher::testing
