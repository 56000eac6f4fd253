#pragma once
// A minimal blocking HTTP/1.1 client (Boost.Beast) for the schema registry and Redpanda's Admin
// API: one request per connection, plain http:// only, every request bounded by a deadline
// (connect + write + read together; name resolution is bounded by the system resolver).
#include <chrono>
#include <string>
#include <string_view>

#include "admin/admin_error.h"

namespace odin::admin {

struct http_url {
  std::string host;
  std::string port;       // "80" when the URL has none
  std::string base_path;  // "" or "/prefix" without a trailing slash
  std::string text;       // as given, without a trailing slash (for messages)
};

// "http://host[:port][/prefix]" → parts; admin_errc::invalid_argument otherwise (https:// is
// refused with a note: put a TLS-terminating proxy in front or use plain http inside the
// network; see README.md).
admin_result<http_url> parse_http_url(std::string_view url);

struct http_reply {
  int status = 0;
  std::string body;
};

// POSTs `body` to url.base_path + target. Any HTTP status is a reply (the caller interprets
// it); connection failures are admin_errc::transport, no full answer within `timeout`
// admin_errc::timed_out. `what` names the server in messages, with the flag that points at it
// in parentheses: "schema registry (--registry)".
admin_result<http_reply> http_post(const http_url& url, const std::string& target,
                                   const std::string& body, const std::string& content_type,
                                   std::chrono::milliseconds timeout, std::string_view what);

// GETs url.base_path + target (Accept: application/json); the rest as http_post.
admin_result<http_reply> http_get(const http_url& url, const std::string& target,
                                  std::chrono::milliseconds timeout, std::string_view what);

// Percent-encodes everything but RFC 3986 unreserved characters (for a path segment).
std::string url_encode_segment(std::string_view text);

}  // namespace odin::admin
