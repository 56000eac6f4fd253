#include "config/gateway_auth.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "auth/jwt_verifier.h"
#include "config/config_error.h"

namespace odin::config {
namespace {

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error(fmt::format("WS_JWT_SECRET_FILE={}: cannot be read", path));
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) throw config_error(fmt::format("WS_JWT_SECRET_FILE={}: is empty", path));
  return secret;
}

bool has_key(const auth::jwt_options& j) {
  return !j.hs256_secret.empty() || !j.public_key_file.empty() || !j.jwks_file.empty();
}

}  // namespace

void apply_gateway_auth(settings& s) {
  gateway::auth_options& a = s.gateway.auth;
  if (!s.ws_jwt_secret.empty() && !s.ws_jwt_secret_file.empty()) {
    throw config_error("WS_JWT_SECRET and WS_JWT_SECRET_FILE are both set: set one of them");
  }
  a.jwt.hs256_secret =
      s.ws_jwt_secret_file.empty() ? s.ws_jwt_secret : read_secret_file(s.ws_jwt_secret_file);
  const bool keyed = has_key(a.jwt);
  if (s.ws_auth.empty()) {
    a.mode = keyed ? gateway::auth_mode::optional : gateway::auth_mode::off;
  } else {
    a.mode = s.ws_auth == "required"   ? gateway::auth_mode::required
             : s.ws_auth == "optional" ? gateway::auth_mode::optional
                                       : gateway::auth_mode::off;
    if (a.mode != gateway::auth_mode::off && !keyed) {
      throw config_error(
          fmt::format("WS_AUTH={} needs a key to check tokens with: set WS_JWT_SECRET (or "
                      "WS_JWT_SECRET_FILE), WS_JWT_PUBLIC_KEY_FILE or WS_JWT_JWKS_FILE",
                      s.ws_auth));
    }
  }
  if (a.mode == gateway::auth_mode::off) {
    if (keyed) {
      s.warnings.push_back(
          "WS_AUTH=off: the configured JWT key is not used, tokens are ignored "
          "and balances channels are refused to everyone (unless "
          "WS_PUBLIC_BALANCES=true)");
    }
    return;
  }
  try {
    if (auth::load_jwt_keys(a.jwt).empty()) throw std::invalid_argument("no key");
  } catch (const std::invalid_argument& e) {
    throw config_error(fmt::format("gateway JWT keys: {}", e.what()));
  }
}

}  // namespace odin::config
