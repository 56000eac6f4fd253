#include "gateway/http_connection.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include <fmt/chrono.h>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "gateway/session.h"
#include "gateway/shard.h"
#include "gateway/upgrade.h"
#include "web/assets.h"

namespace odin::gateway {
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr std::string_view json_type = "application/json";
constexpr std::size_t request_limit = 8192;  // header and body

std::string endpoint_text(const tcp::socket& s) {
  boost::system::error_code ec;
  const auto ep = s.remote_endpoint(ec);
  if (ec) return "unknown";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// The /ready body while not ready. A bus outage says since when (ms since the epoch and ISO
// 8601 UTC) and for how long; clients stay connected meanwhile.
std::optional<std::string> not_ready_body(const bus::consumer& consumer) {
  const bus::bus_health h = consumer.health();
  if (!h.connected) {
    const int64_t now_ms = bus::now_us() / 1000;
    const auto since = std::chrono::system_clock::time_point(std::chrono::milliseconds(h.since_ms));
    return fmt::format(
        R"({{"status":"not_ready","reason":"bus unreachable: no broker answers","since":{},)"
        R"("sinceIso":"{:%FT%TZ}","seconds":{:.1f},"outages":{}}})",
        h.since_ms, std::chrono::floor<std::chrono::seconds>(since),
        static_cast<double>(now_ms - h.since_ms) / 1000.0, h.outages);
  }
  if (!consumer.ready()) {
    return std::string(R"({"status":"not_ready","reason":"bus not connected or topics missing"})");
  }
  return std::nullopt;
}

}  // namespace

http_connection::http_connection(shard& owner, tcp::socket socket)
    : shard_(owner), stream_(std::move(socket)), peer_(endpoint_text(stream_.socket())) {}

void http_connection::start() {
  do_read();
}

void http_connection::do_read() {
  parser_.emplace();
  parser_->header_limit(request_limit);
  parser_->body_limit(request_limit);
  stream_.expires_after(shard_.ctx().opts.handshake_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                     self->on_read(ec);
                   });
}

void http_connection::on_read(const boost::system::error_code& ec) {
  if (ec == http::error::end_of_stream) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  if (ec && ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
    return respond(status::bad_request, R"({"error":"malformed HTTP request"})", json_type, true);
  }
  if (ec) return;  // timeout, reset: nothing to answer
  route();
}

void http_connection::route() {
  const http_request& req = parser_->get();
  std::string_view path = req.target();
  path = path.substr(0, path.find('?'));
  context& ctx = shard_.ctx();
  // `/` upgrades too (docs/plan.md's `wscat -c ws://host:3002`), but only a WebSocket upgrade
  // request: a plain GET / is the live page, below.
  if (path == "/ws" || (path == "/" && asks_for_websocket(req))) return on_upgrade_request();
  // The live page and its scripts (src/web): plain GETs only.
  if (const web::asset* page = web::find_asset(path); page && !beast::websocket::is_upgrade(req)) {
    return serve_asset(*page);
  }
  const bool known = path == "/health" || path == "/ready" || path == "/metrics";
  if (!known) return respond(status::not_found, R"({"error":"not found"})", json_type, false);
  if (req.method() != http::verb::get) {
    return respond(status::method_not_allowed, R"({"error":"only GET"})", json_type, false);
  }
  if (path == "/health") return respond(status::ok, R"({"status":"ok"})", json_type, false);
  if (path == "/metrics") {
    return respond(status::ok, ctx.render_metrics(), "text/plain; version=0.0.4", false);
  }
  if (ctx.stopping.load(std::memory_order_relaxed)) {
    return respond(status::service_unavailable,
                   R"({"status":"not_ready","reason":"shutting down"})", json_type, false);
  }
  if (auto why = not_ready_body(ctx.consumer)) {
    return respond(status::service_unavailable, std::move(*why), json_type, false);
  }
  respond(status::ok, R"({"status":"ready"})", json_type, false);
}

void http_connection::serve_asset(const web::asset& page) {
  if (parser_->get().method() != http::verb::get) {
    return respond(status::method_not_allowed, R"({"error":"only GET"})", json_type, false);
  }
  const http_request& req = parser_->get();
  response_.emplace(status::ok, req.version() == 10 ? 10 : 11);
  response_->set(http::field::content_type, page.content_type);
  response_->set(http::field::cache_control, "no-cache");
  response_->set("X-Content-Type-Options", "nosniff");
  if (page.is_page) {
    response_->set("Content-Security-Policy", web::page_security_policy);
    response_->set("Referrer-Policy", "no-referrer");
  }
  response_->keep_alive(req.keep_alive());
  response_->body() = std::string(page.body);
  response_->prepare_payload();
  send_response();
}

void http_connection::on_upgrade_request() {
  const upgrade_check check = check_upgrade(parser_->get());
  if (!check.ok) return refuse(refusal::bad_request, status::bad_request, check.why);
  context& ctx = shard_.ctx();
  if (ctx.stopping.load(std::memory_order_relaxed)) {
    return respond(status::service_unavailable, R"({"error":"shutting down"})", json_type, true);
  }
  if (ctx.connections.fetch_add(1, std::memory_order_relaxed) >= ctx.opts.max_connections) {
    ctx.connections.fetch_sub(1, std::memory_order_relaxed);
    return refuse(refusal::limit, status::service_unavailable, "connection limit reached");
  }
  switch (ctx.guard.check()) {
    case resource_guard::verdict::ok:
      return upgrade(check.key);
    case resource_guard::verdict::cpu:
      ctx.connections.fetch_sub(1, std::memory_order_relaxed);
      return refuse(refusal::cpu, status::service_unavailable, "CPU above the reject threshold");
    case resource_guard::verdict::memory:
      ctx.connections.fetch_sub(1, std::memory_order_relaxed);
      return refuse(refusal::memory, status::service_unavailable, "memory above the limit");
  }
}

void http_connection::upgrade(std::string_view key) {
  stream_.expires_never();
  const auto early = buffer_.data();  // bytes the client sent after its request
  std::string_view early_bytes(static_cast<const char*>(early.data()), early.size());
  auto s = std::make_shared<session>(shard_, stream_.release_socket(), peer_);
  shard_.add_session(s);
  s->start(render_switching_protocols(key), early_bytes);
}

void http_connection::refuse(refusal reason, status code, std::string_view why) {
  shard_.stats().count_refusal(reason);
  const auto r = static_cast<std::size_t>(reason);
  if (auto suppressed = shard_.ctx().refusal_log[r].allow()) {
    spdlog::warn("gateway: refused WebSocket upgrade from {} ({}): {} ({} more suppressed)", peer_,
                 refusal_names[r], why, *suppressed);
  }
  respond(code, std::string(R"({"error":")").append(why).append("\"}"), json_type, true);
}

void http_connection::respond(status code, std::string body, std::string_view content_type,
                              bool close) {
  const http_request& req = parser_->get();
  response_.emplace(code, req.version() == 10 ? 10 : 11);
  response_->set(http::field::content_type, content_type);
  response_->set(http::field::cache_control, "no-store");
  response_->keep_alive(!close && req.keep_alive());
  response_->body() = std::move(body);
  response_->prepare_payload();
  send_response();
}

void http_connection::send_response() {
  const bool last = !response_->keep_alive();
  http::async_write(
      stream_, *response_,
      [self = shared_from_this(), last](const boost::system::error_code& ec, std::size_t) {
        if (ec) return;
        if (!last) return self->do_read();
        boost::system::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      });
}

}  // namespace odin::gateway
