#pragma once
// A freshly accepted connection, speaking HTTP/1.1 until it upgrades: GET /ws (or GET / with
// an `Upgrade: websocket` header) with a valid WebSocket upgrade becomes a session (admission
// permitting: origin and per-IP limits, admission.h, then the global limits); /health, /ready
// and /metrics are answered (keep-alive), and so are plain GETs of the live page's paths
// (src/web); anything else is 404. With an admin listener (WS_ADMIN_ADDR) the public one has
// no /ready and /metrics and the admin one serves only /health, /ready and /metrics. Every
// answer goes through src/http and is counted (ws_http_requests_total{path,status}). Every
// request must arrive within options.handshake_timeout. Shard thread only; kept alive by its
// pending handlers.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/admission.h"
#include "gateway/connection_slot.h"
#include "gateway/stats.h"
#include "gateway/upgrade_auth.h"
#include "http/error_reply.h"
#include "http/listener.h"

namespace odin::gateway {

class shard;
}  // namespace odin::gateway
namespace odin::web {
struct asset;
}  // namespace odin::web
namespace odin::gateway {

class http_connection : public std::enable_shared_from_this<http_connection> {
 public:
  http_connection(shard& owner, boost::asio::ip::tcp::socket socket,
                  http::listener on = http::listener::both);
  void start();

 private:
  using status = boost::beast::http::status;

  void do_read();
  void on_read(const boost::system::error_code& ec);
  void route();
  void serve_ops(std::string_view path);  // /health, /ready, /metrics
  void on_upgrade_request();
  void serve_asset(const web::asset& page);
  void upgrade(std::string_view key, ip_slot slot, connection_slot conn, identity who,
               bool deflate);
  void refuse_unauthorized(const upgrade_denial& d);  // 401, upgrade_auth.h
  void refuse(refusal reason, std::string_view why, http::reply reply);
  void refuse(refusal reason, http::errc e, std::string_view code, std::string_view why,
              int retry_after_s = 0);
  void respond(http::reply r, bool close, std::string_view content_type = "application/json");
  void send_response();  // writes response_, then reads the next request or shuts down

  shard& shard_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  boost::asio::ip::address peer_ip_;
  std::string peer_;
  http::listener listener_;
  http_path path_ = http_path::other;  // metrics label of the current request
};

}  // namespace odin::gateway
