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

std::string_view unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
  return v;
}

// A window-bits value: 1*DIGIT 8..15, no leading zero (RFC 7692 §7.1.2).
int window_bits(std::string_view v) {
  v = unquote(v);
  if (v == "8" || v == "9") return v[0] - '0';
  if (v.size() == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5') return 10 + (v[1] - '0');
  return 0;
}

// One permessage-deflate offer's parameters: every one known, none twice, valid values.
// `after`: the offer's name. Beast 1.81's ext_list hands an extension without parameters the
// previous extension's parameter list again; real parameters follow the name in the header.
template <class Params>
bool acceptable_offer(const Params& params, std::string_view after) {
  bool seen[4] = {false, false, false, false};
  for (const auto& [name, value] : params) {
    if (name.data() < after.data()) break;  // a stale list: this offer has no parameters
    int which = -1;
    if (boost::beast::iequals(name, "server_no_context_takeover")) which = 0;
    if (boost::beast::iequals(name, "client_no_context_takeover")) which = 1;
    if (boost::beast::iequals(name, "server_max_window_bits")) which = 2;
    if (boost::beast::iequals(name, "client_max_window_bits")) which = 3;
    if (which < 0 || seen[which]) return false;  // unknown or repeated: decline the offer
    seen[which] = true;
    if (which <= 1 && !value.empty()) return false;            // takes no value
    if (which == 2 && window_bits(value) != 15) return false;  // we need the full window
    if (which == 3 && !value.empty() && window_bits(value) == 0) return false;
  }
  return true;
}

}  // namespace

bool negotiate_deflate(const http_request& req) {
  const auto [first, last] = req.equal_range(http::field::sec_websocket_extensions);
  for (auto field = first; field != last; ++field) {
    for (const auto& ext : http::ext_list(field->value())) {
      if (!boost::beast::iequals(ext.first, "permessage-deflate")) continue;
      if (acceptable_offer(ext.second, ext.first)) return true;
    }
  }
  return false;
}

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

std::string render_switching_protocols(std::string_view key, bool deflate) {
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: ";
  out += protocol::ws::accept_key(key);
  if (deflate) {
    out += "\r\nSec-WebSocket-Extensions: ";
    out += deflate_response;
  }
  out += "\r\n\r\n";
  return out;
}

}  // namespace odin::gateway
