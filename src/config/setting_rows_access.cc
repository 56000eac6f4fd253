#include "config/setting_rows.h"

#include <array>
#include <chrono>

#include <fmt/format.h>

#include "config/admission_settings.h"
#include "config/value_parsers.h"

namespace odin::config {
namespace {

using namespace std::chrono_literals;
using namespace setting_text;
using sv = std::string_view;

const std::array rows = {
    // Origins, per-IP limits, admin listeners (issue 9): config/admission_settings.cc
    setting_row{"WS_ALLOWED_ORIGINS", "--allowed-origins", gateway_bit, "ORIGINS",
                "browser origins allowed to open a WebSocket (comma-separated, exact, e.g. "
                "https://app.example.com; * = any); another Origin gets 403; no Origin header "
                "and the gateway's own page (Origin = Host) are always allowed; unset = any",
                [](settings& s, sv v) {
                  s.gateway.allowed_origins = parse_origin_list(v);
                  if (s.gateway.allowed_origins == std::vector<std::string>{"*"}) {
                    s.gateway.allowed_origins.clear();
                  }
                },
                [](const settings& s) {
                  return s.gateway.allowed_origins.empty()
                             ? std::string("* (any)")
                             : format_origin_list(s.gateway.allowed_origins);
                }},
    setting_row{
        "WS_MAX_CONNECTIONS_PER_IP", "--max-connections-per-ip", gateway_bit, "N",
        "open WebSocket connections per client IP; past it 429 with Retry-After; 0 = "
        "unlimited (behind a proxy every client has the proxy's IP)",
        [](settings& s, sv v) { s.gateway.max_connections_per_ip = parse_whole(v, 0, 1'000'000); },
        [](const settings& s) { return num(s.gateway.max_connections_per_ip); }},
    setting_row{"WS_UPGRADE_RATE_PER_IP", "--upgrade-rate-per-ip", gateway_bit, "PER_SECOND",
                "WebSocket upgrades per second per client IP (token bucket refill); past it "
                "429 with Retry-After; 0 = off",
                [](settings& s, sv v) {
                  s.gateway.upgrade_rate_per_ip = v == "0" ? 0 : parse_number_above_zero(v, 1e6);
                },
                [](const settings& s) { return fmt::format("{}", s.gateway.upgrade_rate_per_ip); }},
    setting_row{
        "WS_UPGRADE_BURST_PER_IP", "--upgrade-burst-per-ip", gateway_bit, "N",
        "upgrades one IP may make at once before WS_UPGRADE_RATE_PER_IP applies (the "
        "bucket size); 0 = max(1, rate)",
        [](settings& s, sv v) {
          s.gateway.upgrade_burst_per_ip = static_cast<double>(parse_whole(v, 0, 1'000'000));
        },
        [](const settings& s) { return fmt::format("{}", s.gateway.upgrade_burst_per_ip); }},
    setting_row{"WS_ADMIN_ADDR", "--ws-admin-addr", gateway_bit, "ADDR",
                "gateway admin listener (e.g. 127.0.0.1:9100): when set, /metrics and /ready "
                "are served only there and the public port keeps the WebSocket, /health and "
                "the page; unset = everything on WS_ADDR",
                [](settings& s, sv v) {
                  auto a = parse_listen_address(v);
                  s.gateway.admin_host = std::move(a.host);
                  s.gateway.admin_port = a.port;
                },
                [](const settings& s) {
                  return s.gateway.admin_host.empty()
                             ? std::string()
                             : format_listen_address({s.gateway.admin_host, s.gateway.admin_port});
                }},
    setting_row{"PUBLISHER_ADMIN_ADDR", "--publisher-admin-addr", publisher_bit, "ADDR",
                "publisher admin listener (e.g. 127.0.0.1:9101): when set, GET /metrics is "
                "served only there (with /health); unset = everything on PORT",
                [](settings& s, sv v) {
                  auto a = parse_listen_address(v);
                  s.publisher.admin_host = std::move(a.host);
                  s.publisher.admin_port = a.port;
                },
                [](const settings& s) {
                  return s.publisher.admin_host.empty()
                             ? std::string()
                             : format_listen_address(
                                   {s.publisher.admin_host, s.publisher.admin_port});
                }},
    // Client identity on the gateway (issue 9): config/gateway_auth.cc
    setting_row{
        "WS_AUTH", "--ws-auth", gateway_bit, "MODE",
        "off, optional (a token is checked when given; no token = public channels "
        "only) or required (no valid token = HTTP 401); default optional when a JWT key "
        "is configured, else off",
        [](settings& s, sv v) {
          s.ws_auth = parse_choice(v, {"off", "optional", "required"});
        },
        [](const settings& s) { return s.ws_auth.empty() ? std::string("auto") : s.ws_auth; }},
    setting_row{"WS_JWT_SECRET", "--jwt-secret", gateway_bit, "SECRET",
                "HS256 key for client tokens, at least 32 bytes (never logged; prefer "
                "WS_JWT_SECRET_FILE)",
                [](settings& s, sv v) { s.ws_jwt_secret = std::string(v); },
                [](const settings& s) { return redacted(s.ws_jwt_secret); }},
    setting_row{"WS_JWT_SECRET_FILE", "--jwt-secret-file", gateway_bit, "PATH",
                "file holding the HS256 key (a trailing newline is ignored)",
                [](settings& s, sv v) { s.ws_jwt_secret_file = std::string(v); },
                [](const settings& s) { return s.ws_jwt_secret_file; }},
    setting_row{"WS_JWT_PUBLIC_KEY_FILE", "--jwt-public-key-file", gateway_bit, "PATH",
                "PEM public key or certificate for RS256 (RSA >= 2048 bits) or ES256 (P-256) "
                "client tokens",
                [](settings& s, sv v) { s.gateway.auth.jwt.public_key_file = std::string(v); },
                [](const settings& s) { return s.gateway.auth.jwt.public_key_file; }},
    setting_row{"WS_JWT_JWKS_FILE", "--jwt-jwks-file", gateway_bit, "PATH",
                "JWKS file (RS256/ES256 keys, chosen by the token's kid)",
                [](settings& s, sv v) { s.gateway.auth.jwt.jwks_file = std::string(v); },
                [](const settings& s) { return s.gateway.auth.jwt.jwks_file; }},
    setting_row{"WS_JWT_ISSUER", "--jwt-issuer", gateway_bit, "TEXT",
                "when set, a token's iss must equal it",
                [](settings& s, sv v) { s.gateway.auth.jwt.issuer = std::string(v); },
                [](const settings& s) { return s.gateway.auth.jwt.issuer; }},
    setting_row{"WS_JWT_AUDIENCE", "--jwt-audience", gateway_bit, "TEXT",
                "when set, a token's aud (string or array) must contain it",
                [](settings& s, sv v) { s.gateway.auth.jwt.audience = std::string(v); },
                [](const settings& s) { return s.gateway.auth.jwt.audience; }},
    setting_row{"WS_JWT_LEEWAY", "--jwt-leeway", gateway_bit, "DURATION",
                "clock skew allowed on exp and nbf (whole seconds, at most 5m); a connection "
                "whose token is past exp + leeway is closed with 4001",
                [](settings& s, sv v) {
                  s.gateway.auth.jwt.leeway = std::chrono::duration_cast<std::chrono::seconds>(
                      parse_duration(v, 0ms, 5min));
                },
                [](const settings& s) {
                  return dur(std::chrono::duration_cast<std::chrono::milliseconds>(
                      s.gateway.auth.jwt.leeway));
                }},
    setting_row{"WS_PUBLIC_BALANCES", "--public-balances", gateway_bit, "BOOL",
                "true: balances channels are public again (every user's balance to every "
                "subscriber, no token needed; warned at start-up); default false: only the "
                "token's own userId, or odin_admin",
                [](settings& s, sv v) {
                  s.gateway.auth.public_balances = parse_choice(v, {"true", "false"}) == "true";
                },
                [](const settings& s) {
                  return std::string(s.gateway.auth.public_balances ? "true" : "false");
                }},
};

}  // namespace

std::span<const setting_row> access_setting_rows() {
  return rows;
}

}  // namespace odin::config
