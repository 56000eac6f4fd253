#include "http/respond.h"

namespace odin::http {
namespace beast_http = boost::beast::http;

void respond(std::optional<response>& out, const request& req, beast_http::status status,
             std::string body, std::string_view content_type, bool keep_alive,
             std::span<const header> extra) {
  out.emplace(status, req.version() == 10 ? 10 : 11);
  out->set(beast_http::field::content_type, content_type);
  out->set(beast_http::field::cache_control, "no-store");
  for (const header& h : extra) out->set(h.name, h.value);
  out->keep_alive(keep_alive && req.keep_alive());
  out->body() = std::move(body);
  out->prepare_payload();
}

void respond(std::optional<response>& out, const request& req, reply r, bool keep_alive) {
  respond(out, req, r.status, std::move(r.body), json_type, keep_alive, r.headers);
}

}  // namespace odin::http
