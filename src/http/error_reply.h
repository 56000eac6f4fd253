#pragma once
// The one boundary where an error enum becomes HTTP (Redpanda pandaproxy's reply.h is the
// model): error_reply(errc) → status, headers and a JSON body {"error":"<code>","message":..}.
// Both servers (gateway, publisher) answer every refusal through this table, so a 401, 403
// or 429 looks the same whichever port gave it.
#include <cstdint>
#include <ostream>  // before Beast (its string_view needs it)
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/status.hpp>

namespace odin::http {

enum class errc : uint8_t {
  bad_request,             // 400
  unauthorized,            // 401 + WWW-Authenticate
  forbidden_origin,        // 403 (a browser Origin not allowed)
  forbidden,               // 403
  not_found,               // 404
  method_not_allowed,      // 405 (the caller adds Allow)
  request_timeout,         // 408
  conflict,                // 409
  payload_too_large,       // 413
  unsupported_media_type,  // 415
  too_many_requests,       // 429 + Retry-After
  headers_too_large,       // 431
  internal,                // 500
  service_unavailable,     // 503 + Retry-After
  gateway_timeout,         // 504
};
inline constexpr std::size_t errc_count = 15;

struct header {
  std::string name;
  std::string value;
};

// An answer ready to be written: status, body (JSON unless content_type says otherwise) and
// the extra headers it needs (Allow, Retry-After, WWW-Authenticate ...).
struct reply {
  boost::beast::http::status status = boost::beast::http::status::ok;
  std::string body;
  std::vector<header> headers;

  // Sets `name` (replacing an earlier value of it).
  reply& set(std::string_view name, std::string value);
  const std::string* find(std::string_view name) const;
};

struct errc_info {
  boost::beast::http::status status;
  std::string_view code;  // the default "error" code of the body
};
errc_info info(errc e);

// {"error":"<code>","message":"<message>"} with the JSON escaping of both.
std::string error_body(std::string_view code, std::string_view message);

// The reply for `e`: its status, {"error":<code, default info(e).code>,"message":<message>}
// and its headers — unauthorized: `WWW-Authenticate: Bearer realm="odin"`; too_many_requests
// and service_unavailable: `Retry-After: 1`. Callers refine them with reply::set.
reply error_reply(errc e, std::string_view message, std::string_view code = {});

}  // namespace odin::http
