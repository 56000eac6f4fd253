#include "http/error_reply.h"

#include <array>

#include "http/content_type.h"
#include "common/json_escape.h"

namespace odin::http {
namespace {

using st = boost::beast::http::status;

constexpr std::array<errc_info, errc_count> table = {{
    {st::bad_request, "bad_request"},
    {st::unauthorized, "unauthorized"},
    {st::forbidden, "forbidden_origin"},
    {st::forbidden, "forbidden"},
    {st::not_found, "not_found"},
    {st::method_not_allowed, "method_not_allowed"},
    {st::request_timeout, "request_timeout"},
    {st::conflict, "conflict"},
    {st::payload_too_large, "payload_too_large"},
    {st::unsupported_media_type, "unsupported_media_type"},
    {st::too_many_requests, "too_many_requests"},
    {st::request_header_fields_too_large, "headers_too_large"},
    {st::internal_server_error, "internal"},
    {st::service_unavailable, "service_unavailable"},
    {st::gateway_timeout, "gateway_timeout"},
}};
static_assert(static_cast<std::size_t>(errc::gateway_timeout) + 1 == errc_count);

}  // namespace

reply& reply::set(std::string_view name, std::string value) {
  for (header& h : headers) {
    if (iequal(h.name, name)) {
      h.value = std::move(value);
      return *this;
    }
  }
  headers.push_back({std::string(name), std::move(value)});
  return *this;
}

const std::string* reply::find(std::string_view name) const {
  for (const header& h : headers) {
    if (iequal(h.name, name)) return &h.value;
  }
  return nullptr;
}

errc_info info(errc e) {
  return table[static_cast<std::size_t>(e)];
}

std::string error_body(std::string_view code, std::string_view message) {
  std::string out = R"({"error":)";
  append_json_string(out, code);
  out += R"(,"message":)";
  append_json_string(out, message);
  out += '}';
  return out;
}

reply error_reply(errc e, std::string_view message, std::string_view code) {
  const errc_info i = info(e);
  reply r{i.status, error_body(code.empty() ? i.code : code, message), {}};
  switch (e) {
    case errc::unauthorized:
      r.set("WWW-Authenticate", R"(Bearer realm="odin")");
      break;
    case errc::too_many_requests:
    case errc::service_unavailable:
      r.set("Retry-After", "1");
      break;
    default:
      break;
  }
  return r;
}

}  // namespace odin::http
