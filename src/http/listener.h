#pragma once
// Which routes a listening socket serves. Without an admin address a server has one listener
// serving everything (`both`); with one (ADMIN_ADDR), the public listener serves the API
// (`public_port`: no /metrics, no /ready) and the admin listener serves the operators' routes
// (`admin_port`: /metrics, /ready, /health).
#include <cstdint>
#include <string_view>

namespace odin::http {

enum class listener : uint8_t { both, public_port, admin_port };

// Where a route belongs: the public API, the operators' routes, or both (/health).
enum class audience : uint8_t { api, ops, any };

constexpr bool serves(listener l, audience a) {
  switch (l) {
    case listener::both:
      return true;
    case listener::public_port:
      return a != audience::ops;
    case listener::admin_port:
      return a != audience::api;
  }
  return false;
}

constexpr std::string_view name(listener l) {
  return l == listener::admin_port ? "admin" : "public";
}

}  // namespace odin::http
