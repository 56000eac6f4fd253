#pragma once
// A small routing table: (method, path) → a route id. An unknown path is not_found; a known
// path asked with another method is method_not_allowed, with the `Allow` value to send.
// Paths are exact (the query string is not part of them: see path_of()). Each route names
// its audience; on a listener that does not serve it, the path is unknown (404).
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "http/error_reply.h"
#include "http/listener.h"

namespace odin::http {

using verb = boost::beast::http::verb;

// The path of a request target: "/events?x=1" → "/events".
inline std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

template <class Id>
class router {
 public:
  struct route {
    std::string_view path;
    verb method;
    Id id;
    audience aud = audience::any;  // a route not served on a listener is unknown there (404)
  };

  struct match {
    const route* hit = nullptr;   // the route when found
    std::optional<errc> error;    // not_found or method_not_allowed otherwise
    std::string allow;            // method_not_allowed: "GET" or "GET, POST"
    std::string_view path_label;  // a known path (bounded metric label), else "other"
  };

  router(std::initializer_list<route> routes) : routes_(routes) {}

  match find(verb method, std::string_view path, listener on = listener::both) const {
    match m;
    m.path_label = "other";
    for (const route& r : routes_) {
      if (r.path != path || !serves(on, r.aud)) continue;
      m.path_label = r.path;
      if (r.method == method) {
        m.hit = &r;
        m.allow.clear();
        m.error.reset();
        return m;
      }
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += std::string_view(boost::beast::http::to_string(r.method));
      m.error = errc::method_not_allowed;
    }
    if (!m.error) m.error = errc::not_found;
    return m;
  }

  const std::vector<route>& routes() const { return routes_; }

 private:
  std::vector<route> routes_;
};

}  // namespace odin::http
