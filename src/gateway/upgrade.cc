#include "gateway/upgrade.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "protocol/ws_codec.h"

namespace odin::gateway {
namespace http = boost::beast::http;

namespace {

bool is_base64_key(std::string_view key) {
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (char c : key.substr(0, 22)) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool asks_for_websocket(const http_request& req) {
  const auto it = req.find(http::field::upgrade);
  if (it == req.end()) return false;
  for (const auto& token : http::token_list(it->value())) {
    if (boost::beast::iequals(token, "websocket")) return true;
  }
  return false;
}

upgrade_check check_upgrade(const http_request& req) {
  if (!boost::beast::websocket::is_upgrade(req)) {
    return {
        false, {}, "not a WebSocket upgrade (GET with Connection: upgrade and Upgrade: websocket)"};
  }
  if (req[http::field::sec_websocket_version] != "13") {
    return {false, {}, "Sec-WebSocket-Version must be 13"};
  }
  const std::string_view key = req[http::field::sec_websocket_key];
  if (!is_base64_key(key)) return {false, {}, "Sec-WebSocket-Key must be 16 bytes in base64"};
  return {true, std::string(key), {}};
}

std::string render_switching_protocols(std::string_view key) {
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: ";
  out += protocol::ws::accept_key(key);
  out += "\r\n\r\n";
  return out;
}

}  // namespace odin::gateway
