#pragma once
// One way to build an HTTP/1.1 answer for both servers: status, body, content type,
// keep-alive and extra headers; `Cache-Control: no-store` unless the caller sets another.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/error_reply.h"

namespace odin::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

inline constexpr std::string_view json_type = "application/json";
inline constexpr std::string_view metrics_type = "text/plain; version=0.0.4; charset=utf-8";

// Fills `out` (emplaced in place: the caller keeps it alive while it is written). HTTP/1.0
// requests get HTTP/1.0 answers; keep_alive is honoured only if the request allows it.
void respond(std::optional<response>& out, const request& req, boost::beast::http::status status,
             std::string body, std::string_view content_type, bool keep_alive,
             std::span<const header> extra = {});

// The same for a reply (error_reply(...) or a handler's answer), JSON.
void respond(std::optional<response>& out, const request& req, reply r, bool keep_alive);

}  // namespace odin::http
