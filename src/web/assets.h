#pragma once
// The live page and the JavaScript client library, embedded in the binary at build time
// (CMakeLists.txt): looked up by URL path, with the content type to serve them with.
#include <span>
#include <string_view>

namespace odin::web {

struct asset {
  std::string_view path;          // "/index.html", "/app.js", "/lib/client.js"
  std::string_view content_type;  // "text/html; charset=utf-8" ...
  std::string_view body;
  bool is_page = false;  // an HTML document (served with a Content-Security-Policy)
};

// The asset served at `path` ("/" is "/index.html"; no query string), or nullptr. The
// returned asset lives as long as the program.
const asset* find_asset(std::string_view path);

// Every embedded asset, sorted by path.
std::span<const asset> assets();

// The Content-Security-Policy of the page: its own scripts, styles and WebSocket only.
inline constexpr std::string_view page_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

namespace detail {
struct embedded_file {
  std::string_view path;
  std::string_view text;
};
std::span<const embedded_file> embedded_files();
}  // namespace detail

}  // namespace odin::web
