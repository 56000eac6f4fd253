#include "publisher/connection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "auth/api_key_set.h"
#include "http/content_type.h"
#include "http/respond.h"
#include "http/router.h"
#include "publisher/control.h"
#include "publisher/replies.h"

namespace odin::publisher {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using http::audience;
using http::errc;

namespace {

constexpr std::size_t header_limit = 16 * 1024;
// Closing after an error with the request body unread: read and drop up to this much for up
// to linger_time, so that the client reads our answer instead of a connection reset.
constexpr std::size_t max_drain = 4 * 1024 * 1024;
constexpr auto linger_time = std::chrono::seconds(2);

enum class route_id { events, control, stats, health, metrics };
using verb = http::verb;
const http::router<route_id> routes = {{"/events", verb::post, route_id::events, audience::api},
                                       {"/control", verb::post, route_id::control, audience::api},
                                       {"/stats", verb::get, route_id::stats, audience::api},
                                       {"/health", verb::get, route_id::health, audience::any},
                                       {"/metrics", verb::get, route_id::metrics, audience::ops}};

std::string not_found_message(http::listener on) {
  switch (on) {
    case http::listener::both:
      return "no such endpoint; the publisher serves POST /events, POST /control, GET /stats, "
             "GET /health and GET /metrics";
    case http::listener::public_port:
      return "no such endpoint; the publisher serves POST /events, POST /control, GET /stats "
             "and GET /health here (GET /metrics is on the admin address, ADMIN_ADDR)";
    case http::listener::admin_port:
      return "no such endpoint; the publisher's admin address serves GET /metrics and GET "
             "/health (the API is on the public port)";
  }
  return "no such endpoint";
}

}  // namespace

connection::connection(server_context& ctx, tcp::socket socket, http::listener on)
    : ctx_(ctx),
      stream_(std::move(socket)),
      continue_(status::continue_, 11),
      deadline_(stream_.get_executor()),
      ack_timer_(stream_.get_executor()),
      listener_(on) {
  ctx_.connections.fetch_add(1, std::memory_order_relaxed);
}

connection::~connection() {
  ctx_.connections.fetch_sub(1, std::memory_order_relaxed);
}

void connection::start() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_request(); });
}

void connection::refuse_busy() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->parser_.emplace();
    self->respond_error(errc::service_unavailable, "too_many_connections",
                        "the publisher has reached its connection limit; retry later", true);
  });
}

void connection::read_request() {
  parser_.emplace();
  parser_->header_limit(header_limit);
  parser_->body_limit(ctx_.opts.max_body_bytes);
  route_ = "other";
  timed_out_ = false;
  reading_ = true;
  deadline_.expires_after(ctx_.opts.request_timeout);
  deadline_.async_wait(
      [self = shared_from_this()](const error_code& ec) { self->on_deadline(ec); });
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](const error_code& ec, std::size_t) {
                             if (ec) return self->on_read_error(ec);
                             self->check_header();
                           });
}

void connection::on_deadline(const error_code& ec) {
  if (ec || !reading_) return;
  timed_out_ = true;
  error_code ignored;
  stream_.socket().cancel(ignored);  // the pending read ends with operation_aborted
}

void connection::on_read_error(const error_code& ec) {
  reading_ = false;
  deadline_.cancel();
  if (timed_out_) {
    if (!parser_->got_some() && buffer_.size() == 0) return;  // an idle keep-alive connection
    return respond_error(
        errc::request_timeout, "request_timeout",
        fmt::format("the request did not arrive within {} ms", ctx_.opts.request_timeout.count()),
        true);
  }
  if (ec == bhttp::error::end_of_stream) {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  if (ec == bhttp::error::body_limit) {
    return respond_error(
        errc::payload_too_large, "body_too_large",
        fmt::format("the request body is larger than {} bytes", ctx_.opts.max_body_bytes), true);
  }
  if (ec == bhttp::error::header_limit) {
    return respond_error(errc::headers_too_large, "headers_too_large",
                         fmt::format("the request header is larger than {} bytes", header_limit),
                         true);
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category()) {
    return respond_error(errc::bad_request, "bad_request",
                         "malformed HTTP request: " + ec.message(), true);
  }
  // Reset, aborted: nobody to answer.
}

// The header is in: refuse what can be refused before reading the body.
void connection::check_header() {
  const auto& req = parser_->get();
  const bool body_pending = !parser_->is_done();
  const auto m = routes.find(req.method(), http::path_of(req.target()), listener_);
  route_ = m.path_label;
  if (m.error == errc::not_found) {
    return respond_error(errc::not_found, {}, not_found_message(listener_), body_pending);
  }
  if (m.error == errc::method_not_allowed) {
    return respond(http::error_reply(errc::method_not_allowed,
                                     fmt::format("{} accepts {} only", route_, m.allow))
                       .set("Allow", m.allow),
                   body_pending);
  }
  const bool post = m.hit->method == verb::post;
  if (post && !authorized()) {
    const answer a = unauthorized_answer(req.count(bhttp::field::authorization) > 0,
                                         m.hit->id == route_id::control);
    return respond(
        http::reply{status::unauthorized, a.body, {{"WWW-Authenticate", std::string(challenge_)}}},
        body_pending);
  }
  if (post && !http::is_json_body_type(req[bhttp::field::content_type])) {
    return respond_error(errc::unsupported_media_type, {},
                         "the body must be JSON: send Content-Type application/json (none, or "
                         "application/x-www-form-urlencoded as `curl -d` sends, is read as JSON "
                         "too)",
                         body_pending);
  }
  if (!body_pending) {
    reading_ = false;
    deadline_.cancel();
    return dispatch();
  }
  if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
    bhttp::async_write(stream_, continue_,
                       [self = shared_from_this()](const error_code& ec, std::size_t) {
                         if (!ec) self->read_body();
                       });
    return;
  }
  read_body();
}

// With API keys configured, a POST needs `Authorization: Bearer <one of them>` (compared in
// constant time); sets the WWW-Authenticate challenge of the 401 (RFC 6750 §3) otherwise.
bool connection::authorized() {
  if (ctx_.opts.api_keys.empty()) return true;
  const auto h = parser_->get().find(bhttp::field::authorization);
  if (h == parser_->get().end()) {
    challenge_ = R"(Bearer realm="odin-publisher")";
    return false;
  }
  const auto token = auth::bearer_token(h->value());
  if (token && ctx_.opts.api_keys.accepts(*token)) return true;
  challenge_ = R"(Bearer realm="odin-publisher", error="invalid_token")";
  return false;
}

void connection::read_body() {
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](const error_code& ec, std::size_t) {
                      if (ec) return self->on_read_error(ec);
                      self->reading_ = false;
                      self->deadline_.cancel();
                      self->dispatch();
                    });
}

void connection::dispatch() {
  const auto& req = parser_->get();
  if (route_ == "/events") return post_events();
  if (route_ == "/control") {
    if (req.body().empty()) {
      return respond_error(errc::bad_request, "empty_body",
                           R"(POST /control needs a JSON body such as {"action":"stop"})", false);
    }
    answer a = handle_control(req.body(), ctx_.simulator, json_parser());
    return respond_answer(a);
  }
  if (route_ == "/stats") {
    return respond({status::ok, stats_body(ctx_.producer.stats(), ctx_.simulator.snapshot()), {}},
                   false);
  }
  if (route_ == "/health") {
    return respond({status::ok, health_body(ctx_.producer.stats(), ctx_.producer.health()), {}},
                   false);
  }
  respond({status::ok, ctx_.render_metrics(), {}}, false, http::metrics_type);
}

void connection::respond_error(errc e, std::string_view code, std::string_view message,
                               bool close) {
  respond(http::error_reply(e, message, code), close);
}

void connection::respond(http::reply r, bool close, std::string_view content_type) {
  ctx_.count_request(route_, static_cast<int>(r.status));
  reading_ = false;  // the request deadline is over: nothing is read until the answer is out
  deadline_.cancel();
  if (replayed_) r.set("Idempotent-Replayed", "true");
  replayed_ = false;
  challenge_ = {};
  http::respond(response_, parser_->get(), r.status, std::move(r.body), content_type,
                !close && !ctx_.stopping.load(), r.headers);
  const bool last = !response_->keep_alive();
  stream_.expires_after(ctx_.opts.request_timeout);  // a client that does not read is dropped
  bhttp::async_write(stream_, *response_,
                     [self = shared_from_this(), last](const error_code& ec, std::size_t) {
                       self->on_written(ec, last);
                     });
}

void connection::on_written(const error_code& ec, bool last) {
  stream_.expires_never();
  if (ec) return;
  if (last) return linger_close();
  read_request();
}

void connection::linger_close() {
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(linger_time);  // closes the socket when it passes
  drain();
}

void connection::drain() {
  stream_.async_read_some(asio::buffer(scratch_),
                          [self = shared_from_this()](const error_code& ec, std::size_t n) {
                            self->drained_ += n;
                            if (ec || self->drained_ > max_drain) {
                              error_code ignored;
                              self->stream_.socket().close(ignored);
                              return;
                            }
                            self->drain();
                          });
}

}  // namespace odin::publisher
