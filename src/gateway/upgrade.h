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

// permessage-deflate (RFC 7692 §7.1): true when one of the request's Sec-WebSocket-Extensions
// offers is one we honour — the first `permessage-deflate` offer whose parameters are all
// known, well-formed and not repeated, and that does not ask for `server_max_window_bits`
// below 15 (our shared frames are compressed with the full window). `client_max_window_bits`
// (with or without a value) is accepted and left out of the answer: the client then compresses
// with up to 15 bits, which our inflater reads. An offer we decline is skipped for the next.
bool negotiate_deflate(const http_request& req);

// The answer to an accepted offer: both sides without context takeover, so a compressed event
// frame is built once and shared, and a client message inflates alone.
inline constexpr std::string_view deflate_response =
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

// "HTTP/1.1 101 Switching Protocols" with Sec-WebSocket-Accept for `key` (and, when
// `deflate`, Sec-WebSocket-Extensions: deflate_response).
std::string render_switching_protocols(std::string_view key, bool deflate = false);

}  // namespace odin::gateway
