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
#include "http/respond.h"
#include "http/router.h"
#include "web/assets.h"

namespace odin::gateway {
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

using http::audience;
using http::errc;
constexpr std::size_t request_limit = 8192;  // header and body

tcp::endpoint remote_of(const tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  return ec ? tcp::endpoint() : ep;
}

std::string endpoint_text(const tcp::endpoint& ep) {
  if (ep.port() == 0) return "unknown";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// The operators' routes; the upgrade and the page are matched before these.
const http::router<http_path> ops_routes = {
    {"/health", http::verb::get, http_path::health, audience::any},
    {"/ready", http::verb::get, http_path::ready, audience::ops},
    {"/metrics", http::verb::get, http_path::metrics, audience::ops}};

http_path label_of(std::string_view path, bool asset) {
  if (path == "/") return http_path::root;
  if (path == "/ws") return http_path::ws;
  if (asset) return http_path::asset;
  for (const auto& r : ops_routes.routes()) {
    if (r.path == path) return r.id;
  }
  return http_path::other;
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

http_connection::http_connection(shard& owner, tcp::socket socket, http::listener on)
    : shard_(owner),
      stream_(std::move(socket)),
      // With an admin listener (WS_ADMIN_ADDR), the shards' own acceptors are the public port.
      listener_(on == http::listener::both && !owner.ctx().opts.admin_host.empty()
                    ? http::listener::public_port
                    : on) {
  const tcp::endpoint ep = remote_of(stream_.socket());
  peer_ip_ = ep.address();
  peer_ = endpoint_text(ep);
}

void http_connection::start() {
  do_read();
}

void http_connection::do_read() {
  parser_.emplace();
  // Room for an 8 KiB token (?token= or Authorization): a larger one is a 401 too_large.
  parser_->header_limit(2 * request_limit);
  parser_->body_limit(request_limit);
  path_ = http_path::other;
  stream_.expires_after(shard_.ctx().opts.handshake_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      self->on_read(ec);
                    });
}

void http_connection::on_read(const boost::system::error_code& ec) {
  if (ec == bhttp::error::end_of_stream) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    return;
  }
  if (ec && ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category()) {
    return respond(http::error_reply(errc::bad_request, "malformed HTTP request"), true);
  }
  if (ec) return;  // timeout, reset: nothing to answer
  route();
}

void http_connection::route() {
  const http_request& req = parser_->get();
  const std::string_view path = http::path_of(req.target());
  const bool public_routes = listener_ != http::listener::admin_port;
  const web::asset* page = public_routes ? web::find_asset(path) : nullptr;
  path_ = label_of(path, page != nullptr);
  // `/` upgrades too (docs/plan.md's `wscat -c ws://host:3002`), but only a WebSocket upgrade
  // request: a plain GET / is the live page, below.
  if (public_routes && (path == "/ws" || (path == "/" && asks_for_websocket(req)))) {
    return on_upgrade_request();
  }
  // The live page and its scripts (src/web): plain GETs only.
  if (page && !beast::websocket::is_upgrade(req)) return serve_asset(*page);
  serve_ops(path);
}

void http_connection::serve_ops(std::string_view path) {
  const auto m = ops_routes.find(parser_->get().method(), path, listener_);
  if (m.error == errc::not_found) {
    return respond(http::error_reply(errc::not_found, "no such path"), false);
  }
  if (m.error == errc::method_not_allowed) {
    return respond(http::error_reply(errc::method_not_allowed, "only GET").set("Allow", m.allow),
                   false);
  }
  context& ctx = shard_.ctx();
  switch (m.hit->id) {
    case http_path::health:
      return respond({status::ok, R"({"status":"ok"})", {}}, false);
    case http_path::metrics:
      return respond({status::ok, ctx.render_metrics(), {}}, false, "text/plain; version=0.0.4");
    default:
      break;
  }
  if (ctx.stopping.load(std::memory_order_relaxed)) {
    return respond(
        {status::service_unavailable, R"({"status":"not_ready","reason":"shutting down"})", {}},
        false);
  }
  if (auto why = not_ready_body(ctx.consumer)) {
    return respond({status::service_unavailable, std::move(*why), {}}, false);
  }
  respond({status::ok, R"({"status":"ready"})", {}}, false);
}

void http_connection::serve_asset(const web::asset& page) {
  const http_request& req = parser_->get();
  if (req.method() != bhttp::verb::get) {
    return respond(http::error_reply(errc::method_not_allowed, "only GET").set("Allow", "GET"),
                   false);
  }
  const http::header security[] = {
      {"X-Content-Type-Options", "nosniff"},
      {"Cache-Control", "no-cache"},
      {"Content-Security-Policy", std::string(web::page_security_policy)},
      {"Referrer-Policy", "no-referrer"}};
  shard_.stats().count_answer(path_, 200);
  http::respond(response_, req, status::ok, std::string(page.body), page.content_type, true,
                std::span(security, page.is_page ? 4 : 2));
  send_response();
}

void http_connection::on_upgrade_request() {
  const http_request& req = parser_->get();
  const upgrade_check check = check_upgrade(req);
  if (!check.ok) return refuse(refusal::bad_request, errc::bad_request, {}, check.why);
  context& ctx = shard_.ctx();
  if (ctx.stopping.load(std::memory_order_relaxed)) {
    return respond(http::error_reply(errc::service_unavailable, "the gateway is shutting down",
                                     "shutting_down"),
                   true);
  }
  const auto origin = req.find(bhttp::field::origin);
  admission a = admit_upgrade(
      ctx.origins, ctx.per_ip,
      origin == req.end() ? std::nullopt : std::optional<std::string_view>(origin->value()),
      req[bhttp::field::host], peer_ip_);
  if (a.refused) return refuse(*a.refused, a.error, {}, a.why, a.retry_after_s);
  auto who = authorize_upgrade(req.target(), req[bhttp::field::authorization], ctx.opts.auth.mode,
                               ctx.verifier.get());
  if (!who) return refuse_unauthorized(who.error());
  connection_slot conn = connection_slot::take(ctx.connections, ctx.opts.max_connections);
  if (!conn.held()) {
    return refuse(refusal::limit, errc::service_unavailable, "too_many_connections",
                  "connection limit reached");
  }
  switch (ctx.guard.check()) {  // a refusal below gives `conn` back as it goes out of scope
    case resource_guard::verdict::ok:
      return upgrade(check.key, std::move(a.slot), std::move(conn), std::move(who).value(),
                     ctx.opts.compression && negotiate_deflate(req));
    case resource_guard::verdict::cpu:
      return refuse(refusal::cpu, errc::service_unavailable, "overloaded",
                    "CPU above the reject threshold");
    case resource_guard::verdict::memory:
      return refuse(refusal::memory, errc::service_unavailable, "overloaded",
                    "memory above the limit");
  }
}

void http_connection::upgrade(std::string_view key, ip_slot slot, connection_slot conn,
                              identity who, bool deflate) {
  stream_.expires_never();
  shard_.stats().count_answer(path_, 101);
  const auto early = buffer_.data();  // bytes the client sent after its request
  std::string_view early_bytes(static_cast<const char*>(early.data()), early.size());
  auto s =
      std::make_shared<session>(shard_.services(), stream_.release_socket(), peer_, std::move(who));
  s->hold(std::move(slot));
  s->hold(std::move(conn));
  shard_.add_session(s);
  if (deflate) s->enable_deflate();
  s->start(render_switching_protocols(key, deflate), early_bytes);
}

void http_connection::refuse(refusal reason, errc e, std::string_view code, std::string_view why,
                             int retry_after_s) {
  http::reply reply = http::error_reply(e, why, code);
  if (retry_after_s > 0) reply.set("Retry-After", std::to_string(retry_after_s));
  refuse(reason, why, std::move(reply));
}

// The token itself is never logged: the reason is a jwt_errc name, the detail its description.
void http_connection::refuse_unauthorized(const upgrade_denial& d) {
  http::reply reply{status::unauthorized, unauthorized_body(d), {}};
  reply.set("WWW-Authenticate", std::string(www_authenticate(d)));
  refuse(refusal::unauthorized, fmt::format("{}: {}", d.reason, d.detail), std::move(reply));
}

// Every refused upgrade: counted by reason, logged (rate-limited), answered, connection closed.
void http_connection::refuse(refusal reason, std::string_view why, http::reply reply) {
  shard_.stats().count_refusal(reason);
  const auto r = static_cast<std::size_t>(reason);
  if (auto suppressed = shard_.ctx().refusal_log[r].allow()) {
    spdlog::warn("gateway: refused WebSocket upgrade from {} ({} {}): {} ({} more suppressed)",
                 peer_, static_cast<int>(reply.status), refusal_names[r], why, *suppressed);
  }
  respond(std::move(reply), true);
}

void http_connection::respond(http::reply r, bool close, std::string_view content_type) {
  shard_.stats().count_answer(path_, static_cast<int>(r.status));
  http::respond(response_, parser_->get(), r.status, std::move(r.body), content_type, !close,
                r.headers);
  send_response();
}

void http_connection::send_response() {
  const bool last = !response_->keep_alive();
  bhttp::async_write(
      stream_, *response_,
      [self = shared_from_this(), last](const boost::system::error_code& ec, std::size_t) {
        if (ec) return;
        if (!last) return self->do_read();
        boost::system::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      });
}

}  // namespace odin::gateway
