// src/http: the error_reply table (every errc → its status, a JSON body with "error" and
// "message", its headers), the router (404, 405 + Allow, listeners), status slots.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/content_type.h"
#include "http/error_reply.h"
#include "http/respond.h"
#include "http/router.h"
#include "http/status_slots.h"

namespace odin::http {
namespace {

using json = nlohmann::json;

struct expected_row {
  errc e;
  int status;
  std::string_view code;
};

TEST(ErrorReply, EveryErrcHasItsStatusAndAJsonBody) {
  const expected_row rows[] = {
      {errc::bad_request, 400, "bad_request"},
      {errc::unauthorized, 401, "unauthorized"},
      {errc::forbidden_origin, 403, "forbidden_origin"},
      {errc::forbidden, 403, "forbidden"},
      {errc::not_found, 404, "not_found"},
      {errc::method_not_allowed, 405, "method_not_allowed"},
      {errc::request_timeout, 408, "request_timeout"},
      {errc::conflict, 409, "conflict"},
      {errc::payload_too_large, 413, "payload_too_large"},
      {errc::unsupported_media_type, 415, "unsupported_media_type"},
      {errc::too_many_requests, 429, "too_many_requests"},
      {errc::headers_too_large, 431, "headers_too_large"},
      {errc::internal, 500, "internal"},
      {errc::service_unavailable, 503, "service_unavailable"},
      {errc::gateway_timeout, 504, "gateway_timeout"},
  };
  ASSERT_EQ(std::size(rows), errc_count);
  for (const expected_row& r : rows) {
    SCOPED_TRACE(r.code);
    const reply out = error_reply(r.e, "why \"quoted\"");
    EXPECT_EQ(static_cast<int>(out.status), r.status);
    const json body = json::parse(out.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << out.body;
    EXPECT_EQ(body.value("error", ""), r.code);
    EXPECT_EQ(body.value("message", ""), "why \"quoted\"");
    EXPECT_EQ(out.find("WWW-Authenticate") != nullptr, r.e == errc::unauthorized);
    EXPECT_EQ(out.find("Retry-After") != nullptr,
              r.e == errc::too_many_requests || r.e == errc::service_unavailable);
  }
}

TEST(ErrorReply, CodeOverrideAndHeaderReplace) {
  reply r = error_reply(errc::service_unavailable, "m", "queue_full");
  EXPECT_EQ(r.body, R"({"error":"queue_full","message":"m"})");
  r.set("retry-after", "7");
  ASSERT_NE(r.find("Retry-After"), nullptr);
  EXPECT_EQ(*r.find("Retry-After"), "7");
  EXPECT_EQ(r.headers.size(), 1u);
}

TEST(ErrorReply, BodyIsThePublishersFormByteForByte) {
  EXPECT_EQ(error_body("empty_body", "a\nb"), "{\"error\":\"empty_body\",\"message\":\"a\\nb\"}");
}

enum class id { a, b, c, ops };

TEST(Router, UnknownPathIs404KnownPathWrongMethodIs405WithAllow) {
  const router<id> r = {{"/a", verb::get, id::a},
                        {"/a", verb::post, id::b},
                        {"/c", verb::post, id::c, audience::api},
                        {"/metrics", verb::get, id::ops, audience::ops}};
  auto m = r.find(verb::post, "/a");
  ASSERT_NE(m.hit, nullptr);
  EXPECT_EQ(m.hit->id, id::b);
  m = r.find(verb::delete_, "/a");
  EXPECT_EQ(m.hit, nullptr);
  EXPECT_EQ(m.error, errc::method_not_allowed);
  EXPECT_EQ(m.allow, "GET, POST");
  EXPECT_EQ(m.path_label, "/a");
  m = r.find(verb::get, "/nope");
  EXPECT_EQ(m.error, errc::not_found);
  EXPECT_EQ(m.path_label, "other");
  // An operators' route is unknown on the public listener of a split server.
  EXPECT_NE(r.find(verb::get, "/metrics", listener::both).hit, nullptr);
  EXPECT_NE(r.find(verb::get, "/metrics", listener::admin_port).hit, nullptr);
  EXPECT_EQ(r.find(verb::get, "/metrics", listener::public_port).error, errc::not_found);
  EXPECT_EQ(r.find(verb::post, "/c", listener::admin_port).error, errc::not_found);
  EXPECT_EQ(path_of("/a?x=1"), "/a");
}

TEST(Respond, SetsStatusTypeKeepAliveAndExtraHeaders) {
  request req{verb::get, "/", 11};
  std::optional<response> out;
  respond(out, req, error_reply(errc::too_many_requests, "slow down").set("Retry-After", "3"),
          true);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->result_int(), 429u);
  EXPECT_EQ((*out)["Retry-After"], "3");
  EXPECT_EQ((*out)["Content-Type"], "application/json");
  EXPECT_EQ((*out)["Cache-Control"], "no-store");
  EXPECT_TRUE(out->keep_alive());
  respond(out, req, boost::beast::http::status::ok, "x", "text/plain", false);
  EXPECT_FALSE(out->keep_alive());
  EXPECT_EQ(out->body(), "x");
}

TEST(StatusSlots, KnownStatusesHaveTheirSlotOthersShareOne) {
  EXPECT_EQ(counted_statuses[status_slot(429)], 429);
  EXPECT_EQ(counted_statuses[status_slot(101)], 101);
  EXPECT_EQ(status_slot(418), counted_statuses.size());
}

TEST(ContentType, JsonFormsAccepted) {
  EXPECT_TRUE(is_json_body_type(""));
  EXPECT_TRUE(is_json_body_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(is_json_body_type("application/vnd.odin+json"));
  EXPECT_FALSE(is_json_body_type("text/plain"));
}

}  // namespace
}  // namespace odin::http
