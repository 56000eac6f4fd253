#pragma once
// The WebSocket opening handshake, server side (RFC 6455 §4.2): checking the client's upgrade
// request and rendering the 101 response. The gateway writes the 101 itself (instead of
// Beast's websocket::stream) because after it the connection speaks through pre-rendered,
// shared frames.
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace odin::gateway {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;

struct upgrade_check {
  bool ok = false;
  std::string key;  // Sec-WebSocket-Key when ok
  std::string why;  // human text when not
};

// The request carries `Upgrade: websocket` (any case, possibly among other protocols): it
// asks for a WebSocket, valid or not. Decides whether `/` is an upgrade or a page request.
bool asks_for_websocket(const http_request& req);

// GET, HTTP/1.1, "Connection: upgrade", "Upgrade: websocket", Sec-WebSocket-Version 13 and a
// Sec-WebSocket-Key of 24 base64 characters (16 bytes).
upgrade_check check_upgrade(const http_request& req);

// "HTTP/1.1 101 Switching Protocols" with Sec-WebSocket-Accept for `key`.
std::string render_switching_protocols(std::string_view key);

}  // namespace odin::gateway
