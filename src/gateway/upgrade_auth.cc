#include "gateway/upgrade_auth.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

#include "auth/api_key_set.h"
#include "gateway/context.h"

namespace odin::gateway {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

constexpr std::string_view missing_token = "missing_token";

}  // namespace

std::unique_ptr<auth::jwt_verifier> make_verifier(const options& o) {
  if (o.auth.mode == auth_mode::off) return nullptr;
  auth::jwt_verifier::clock_fn clock = o.auth.clock;
  if (!clock) clock = [] { return std::chrono::system_clock::now(); };
  return std::make_unique<auth::jwt_verifier>(auth::load_jwt_keys(o.auth.jwt), o.auth.jwt,
                                              std::move(clock));
}

int64_t context::now_seconds() const {
  const auto now = opts.auth.clock ? opts.auth.clock() : std::chrono::system_clock::now();
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
}

identity identity_of(const auth::jwt_claims& claims) {
  return identity{true, claims.sub, claims.odin_admin, claims.exp};
}

std::optional<std::string> query_parameter(std::string_view target, std::string_view name) {
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(q + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

result<identity, upgrade_denial> authorize_upgrade(std::string_view target,
                                                   std::string_view authorization, auth_mode mode,
                                                   const auth::jwt_verifier* verifier) {
  if (mode == auth_mode::off || verifier == nullptr) return identity{};
  std::optional<std::string> token = query_parameter(target, "token");
  if (token && token->empty()) token.reset();  // "?token=" is no token
  if (!authorization.empty()) {
    const auto bearer = auth::bearer_token(authorization);
    if (!bearer) {
      return upgrade_denial{"malformed", "the Authorization header is not \"Bearer <token>\""};
    }
    if (token && *token != *bearer) {
      return upgrade_denial{"ambiguous_token",
                            "?token= and Authorization: Bearer carry different tokens"};
    }
    token = std::string(*bearer);
  }
  if (!token) {
    if (mode == auth_mode::required) {
      return upgrade_denial{std::string(missing_token),
                            "WS_AUTH=required and no token (?token= or Authorization: Bearer)"};
    }
    return identity{};
  }
  auto verified = verifier->verify(*token);
  if (!verified) {
    const auth::jwt_error& e = verified.error();
    return upgrade_denial{std::string(auth::jwt_errc_name(e.code)), e.reason};
  }
  return identity_of(verified.value());
}

std::string unauthorized_body(const upgrade_denial& d) {
  return fmt::format(R"({{"error":"unauthorized","reason":"{}"}})", d.reason);
}

std::string_view www_authenticate(const upgrade_denial& d) {
  if (d.reason == missing_token) return "Bearer";
  return R"(Bearer error="invalid_token")";
}

std::string describe_auth(const auth_options& a) {
  std::vector<std::string> keys;
  if (!a.jwt.hs256_secret.empty()) keys.emplace_back("HS256 secret");
  if (!a.jwt.public_key_file.empty()) keys.push_back("PEM " + a.jwt.public_key_file);
  if (!a.jwt.jwks_file.empty()) keys.push_back("JWKS " + a.jwt.jwks_file);
  const std::string balances =
      a.public_balances ? "balances PUBLIC (WS_PUBLIC_BALANCES=true: every user's balance "
                          "goes to every subscriber)"
                        : "balances private (own userId, or odin_admin)";
  if (a.mode == auth_mode::off) return fmt::format("client auth off; {}", balances);
  return fmt::format(
      "client auth {}: keys {}; issuer {}; audience {}; leeway {} s; {}", auth_mode_name(a.mode),
      fmt::join(keys, ", "), a.jwt.issuer.empty() ? "any" : a.jwt.issuer,
      a.jwt.audience.empty() ? "any" : a.jwt.audience, a.jwt.leeway.count(), balances);
}

}  // namespace odin::gateway
