#include "config/publisher_access.h"

#include <stdexcept>

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

#include "config/config_error.h"

namespace odin::config {

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && address.is_loopback();
}

publisher_bind decide_publisher_bind(std::string_view requested, bool has_keys,
                                     bool allow_anonymous) {
  if (has_keys || allow_anonymous) {
    return {requested.empty() ? "0.0.0.0" : std::string(requested), {}};
  }
  if (requested.empty()) return {"127.0.0.1", {}};
  if (is_loopback_host(requested)) return {std::string(requested), {}};
  return {{},
          fmt::format("PUBLISHER_HOST={}: refusing to listen beyond loopback without an API key "
                      "(anyone could publish fake events or stop the simulator); set "
                      "PUBLISHER_API_KEYS or PUBLISHER_API_KEYS_FILE, or "
                      "PUBLISHER_ALLOW_ANONYMOUS=true to allow it on purpose",
                      requested)};
}

void apply_publisher_access(settings& s) {
  try {
    s.publisher.api_keys = auth::api_key_set::load(s.publisher_api_keys, s.publisher_api_keys_file);
  } catch (const std::invalid_argument& e) {
    throw config_error(e.what());
  }
  publisher_bind bind = decide_publisher_bind(s.publisher.host, !s.publisher.api_keys.empty(),
                                              s.publisher.allow_anonymous);
  if (!bind.error.empty()) throw config_error(bind.error);
  s.publisher.host = std::move(bind.host);
}

}  // namespace odin::config
