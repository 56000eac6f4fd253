#include "publisher/connection.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "auth/api_key_set.h"
#include "publisher/control.h"
#include "publisher/replies.h"

namespace odin::publisher {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t header_limit = 16 * 1024;
// Closing after an error with the request body unread: read and drop up to this much for up
// to linger_time, so that the client reads our answer instead of a connection reset.
constexpr std::size_t max_drain = 4 * 1024 * 1024;
constexpr auto linger_time = std::chrono::seconds(2);

struct route {
  std::string_view path;
  http::verb method;
  std::string_view allow;
};
constexpr route routes[] = {{"/events", http::verb::post, "POST"},
                            {"/control", http::verb::post, "POST"},
                            {"/stats", http::verb::get, "GET"},
                            {"/health", http::verb::get, "GET"},
                            {"/metrics", http::verb::get, "GET"}};

const route* find_route(std::string_view path) {
  for (const route& r : routes) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Whether a POST body of this Content-Type is read as JSON: none (the header absent or
// empty), application/json or any application/<x>+json, and application/x-www-form-urlencoded
// (what `curl -d` sends, as in docs/plan.md's commands). Parameters ("; charset=utf-8") and case
// do not matter. Anything else explicit (text/plain, multipart/form-data ...) is 415.
bool is_json_body_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  if (content_type.empty() || iequal(content_type, "application/json") ||
      iequal(content_type, "application/x-www-form-urlencoded")) {
    return true;
  }
  constexpr std::string_view prefix = "application/", suffix = "+json";
  return content_type.size() > prefix.size() + suffix.size() &&
         iequal(content_type.substr(0, prefix.size()), prefix) &&
         iequal(content_type.substr(content_type.size() - suffix.size()), suffix);
}

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

connection::connection(server_context& ctx, tcp::socket socket)
    : ctx_(ctx),
      stream_(std::move(socket)),
      continue_(status::continue_, 11),
      deadline_(stream_.get_executor()),
      ack_timer_(stream_.get_executor()) {
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
    self->respond_error(status::service_unavailable, "too_many_connections",
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
  http::async_read_header(stream_, buffer_, *parser_,
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
        status::request_timeout, "request_timeout",
        fmt::format("the request did not arrive within {} ms", ctx_.opts.request_timeout.count()),
        true);
  }
  if (ec == http::error::end_of_stream) {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  if (ec == http::error::body_limit) {
    return respond_error(
        status::payload_too_large, "body_too_large",
        fmt::format("the request body is larger than {} bytes", ctx_.opts.max_body_bytes), true);
  }
  if (ec == http::error::header_limit) {
    return respond_error(status::request_header_fields_too_large, "headers_too_large",
                         fmt::format("the request header is larger than {} bytes", header_limit),
                         true);
  }
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
    return respond_error(status::bad_request, "bad_request",
                         "malformed HTTP request: " + ec.message(), true);
  }
  // Reset, aborted: nobody to answer.
}

// The header is in: refuse what can be refused before reading the body.
void connection::check_header() {
  const auto& req = parser_->get();
  std::string_view path = req.target();
  path = path.substr(0, path.find('?'));
  const bool body_pending = !parser_->is_done();
  const route* r = find_route(path);
  if (r == nullptr) {
    return respond_error(status::not_found, "not_found",
                         "no such endpoint; the publisher serves POST /events, POST /control, "
                         "GET /stats, GET /health and GET /metrics",
                         body_pending);
  }
  route_ = r->path;
  if (req.method() != r->method) {
    respond(status::method_not_allowed,
            error_body("method_not_allowed", fmt::format("{} accepts {} only", r->path, r->allow)),
            body_pending, "application/json", r->allow);
    return;
  }
  if (r->method == http::verb::post && !authorized()) {
    const answer a =
        unauthorized_answer(req.count(http::field::authorization) > 0, r->path == "/control");
    return respond(static_cast<status>(a.status), a.body, body_pending);
  }
  if (r->method == http::verb::post && !is_json_body_type(req[http::field::content_type])) {
    return respond_error(status::unsupported_media_type, "unsupported_media_type",
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
  if (beast::iequals(req[http::field::expect], "100-continue")) {
    http::async_write(stream_, continue_,
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
  const auto h = parser_->get().find(http::field::authorization);
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
  http::async_read(stream_, buffer_, *parser_,
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
      return respond_error(status::bad_request, "empty_body",
                           R"(POST /control needs a JSON body such as {"action":"stop"})", false);
    }
    answer a = handle_control(req.body(), ctx_.simulator, thread_parser());
    return respond(static_cast<status>(a.status), std::move(a.body), false);
  }
  if (route_ == "/stats") {
    return respond(status::ok, stats_body(ctx_.producer.stats(), ctx_.simulator.snapshot()), false);
  }
  if (route_ == "/health") {
    return respond(status::ok, health_body(ctx_.producer.stats(), ctx_.producer.health()), false);
  }
  respond(status::ok, ctx_.render_metrics(), false, "text/plain; version=0.0.4; charset=utf-8");
}

// An Idempotency-Key: 1..255 printable ASCII characters without spaces (Stripe's limit); it
// travels in record headers and logs.
static bool valid_key(std::string_view key) {
  return !key.empty() && key.size() <= 255 &&
         std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 127; });
}

void connection::post_events() {
  const auto& req = parser_->get();
  const std::string& body = req.body();
  if (body.empty()) {
    return respond_error(status::bad_request, "empty_body",
                         "POST /events needs a JSON body: one event or an array of events", false);
  }
  if (ctx_.stopping.load()) {
    return respond_error(status::service_unavailable, "shutting_down",
                         "the publisher is shutting down; nothing was published", true);
  }
  std::string key;
  if (auto h = req.find("Idempotency-Key"); h != req.end()) {
    key = std::string(h->value());
    if (!valid_key(key)) {
      return respond_error(status::bad_request, "invalid_idempotency_key",
                           "Idempotency-Key must be 1 to 255 printable ASCII characters without "
                           "spaces (a UUID is a good choice)",
                           false);
    }
  }
  auto prepared = ctx_.ingester.prepare(body, now_ms(), thread_parser());
  if (!prepared) {
    const ingest_error& e = prepared.error();
    return respond(static_cast<status>(e.status), ingest_error_body(e), false);
  }
  std::vector<prepared_event> events = std::move(prepared).value();
  std::vector<model::event_type> types;
  types.reserve(events.size());
  for (const prepared_event& e : events) {
    types.push_back(e.type);
    if (!e.unknown_fields.empty()) ctx_.unknown.count(e.type, e.unknown_fields);
  }
  auto batch = std::make_shared<publish_batch>(std::move(types));
  publish_claims claims{ctx_.idempotency, key.empty() ? std::string() : "r:" + key, {}};
  if (auto refused = claim_keys(claims, events, *batch)) return respond_answer(*refused);
  if (auto refused = fail_fast(events.size())) {
    claims.release_all();
    return respond_answer(*refused);
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    prepared_event& e = events[i];
    e.idempotency_header = !e.event_id.empty() ? e.event_id
                           : !key.empty()      ? fmt::format("{}/{}", key, i)
                                               : std::string();
  }
  publish(batch, std::move(events), std::move(claims));
}

// The Idempotency-Key and the eventIds of a request: a repeat of a finished one is replayed
// (request key) or skipped (eventId); one still in flight is 409. Claims what is new.
std::optional<answer> connection::claim_keys(publish_claims& claims,
                                             const std::vector<prepared_event>& events,
                                             publish_batch& batch) {
  if (!claims.request_key.empty()) {
    idempotency_store::lookup l = ctx_.idempotency->claim(claims.request_key);
    if (l.state == idempotency_store::seen::in_flight) {
      claims.request_key.clear();  // not ours
      return in_flight_answer("Idempotency-Key", -1);
    }
    if (l.state == idempotency_store::seen::done) {
      claims.request_key.clear();
      replayed_ = true;
      return answer{l.first.status, std::move(l.first.body), 0};
    }
  }
  claims.event_keys.assign(events.size(), std::string());
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].event_id.empty()) continue;
    std::string id = "e:" + events[i].event_id;
    idempotency_store::lookup l = ctx_.idempotency->claim(id);
    if (l.state == idempotency_store::seen::in_flight) {
      claims.release_all();
      return in_flight_answer("eventId", static_cast<long>(i));
    }
    if (l.state == idempotency_store::seen::done) {
      batch.skip(i, l.first.event);
      continue;
    }
    claims.event_keys[i] = std::move(id);
  }
  return std::nullopt;
}

// 503 at once, nothing enqueued, while the producer is disconnected or its queue is high.
std::optional<answer> connection::fail_fast(std::size_t events) {
  const bus::producer_health health = ctx_.producer.health();
  if (!health.connected) {
    ctx_.producer.refused(publish_stats::refusal::bus_down, events);
    return bus_down_answer(health);
  }
  if (health.queued + events > ctx_.opts.queue_high_watermark) {
    ctx_.producer.refused(publish_stats::refusal::queue_full, events);
    return queue_full_answer(health.queued, events, ctx_.opts.queue_high_watermark);
  }
  return std::nullopt;
}

void connection::publish(const std::shared_ptr<publish_batch>& batch,
                         std::vector<prepared_event> events, publish_claims claims) {
  batch_ = batch;
  ctx_.in_flight.fetch_add(1);
  ack_timer_.expires_after(ctx_.opts.ack_timeout);
  ack_timer_.async_wait([self = shared_from_this(), b = batch](const error_code& ec) {
    if (!ec) self->on_published(b, true);
  });
  // Runs on a bus thread (or right here for the embedded bus): records the outcome for the
  // idempotency keys (even when this connection is gone), then hops to this strand.
  auto on_done = [gate = ctx_.gate, weak = weak_from_this(), b = std::weak_ptr(batch),
                  topics = ctx_.producer.stats().topics(), ack_timeout = ctx_.opts.ack_timeout,
                  claims = std::move(claims)]() mutable {
    if (auto batch = b.lock()) claims.settle(topics, *batch, ack_timeout);
    gate->post([weak, b] {
      auto self = weak.lock();
      if (!self) return;
      asio::dispatch(self->stream_.get_executor(),
                     [self, b] { self->on_published(b.lock(), false); });
    });
  };
  batch->start(ctx_.producer, std::move(events), std::move(on_done));
}

void connection::on_published(const std::shared_ptr<publish_batch>& batch, bool timed_out) {
  if (!batch || batch != batch_) return;  // answered already (ack_timeout) or stale
  batch_.reset();
  ack_timer_.cancel();
  ctx_.in_flight.fetch_sub(1);
  respond_answer(publish_answer(ctx_.producer.stats().topics(), batch->types(), batch->outcomes(),
                                timed_out, ctx_.opts.ack_timeout));
}

void connection::respond_answer(const answer& a) {
  retry_after_ = a.retry_after;
  respond(static_cast<status>(a.status), a.body, false);
}

void connection::respond_error(status code, std::string_view error, std::string_view message,
                               bool close) {
  respond(code, error_body(error, message), close);
}

void connection::respond(status code, std::string body, bool close, std::string_view content_type,
                         std::string_view allow) {
  ctx_.count_request(route_, static_cast<int>(code));
  reading_ = false;  // the request deadline is over: nothing is read until the answer is out
  deadline_.cancel();
  const auto& req = parser_->get();
  response_.emplace(code, req.version() == 10 ? 10 : 11);
  response_->set(http::field::content_type, content_type);
  response_->set(http::field::cache_control, "no-store");
  if (!allow.empty()) response_->set(http::field::allow, allow);
  if (retry_after_ > 0) response_->set(http::field::retry_after, std::to_string(retry_after_));
  if (replayed_) response_->set("Idempotent-Replayed", "true");
  if (!challenge_.empty()) response_->set(http::field::www_authenticate, challenge_);
  challenge_ = {};
  retry_after_ = 0;
  replayed_ = false;
  response_->keep_alive(!close && !ctx_.stopping.load() && req.keep_alive());
  response_->body() = std::move(body);
  response_->prepare_payload();
  const bool last = !response_->keep_alive();
  stream_.expires_after(ctx_.opts.request_timeout);  // a client that does not read is dropped
  http::async_write(stream_, *response_,
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
