#include "auth/jwt_verifier.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "auth/base64url.h"

namespace odin::auth {
namespace {

using json = nlohmann::json;

boost::outcome_v2::failure_type<jwt_error> error(jwt_errc code, std::string reason) {
  return failure(jwt_error{code, std::move(reason)});
}

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(fmt::format("{} {}: cannot be read", what, path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<jwt_alg> parse_alg(const std::string& name) {
  if (name == "HS256") return jwt_alg::hs256;
  if (name == "RS256") return jwt_alg::rs256;
  if (name == "ES256") return jwt_alg::es256;
  return std::nullopt;
}

// A base64url JSON object, or nullopt.
std::optional<json> decode_object(std::string_view part, std::string* text = nullptr) {
  auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  json doc = json::parse(*bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  if (text) *text = std::move(*bytes);
  return doc;
}

// A NumericDate claim (seconds, integer or fraction); nullopt when absent; throws nothing.
std::optional<double> numeric_date(const json& claims, const char* name, bool& bad) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (!it->is_number()) {
    bad = true;
    return std::nullopt;
  }
  return it->get<double>();
}

bool audience_matches(const json& claims, const std::string& audience) {
  const auto it = claims.find("aud");
  if (it == claims.end()) return false;
  if (it->is_string()) return it->get<std::string>() == audience;
  if (!it->is_array()) return false;
  return std::any_of(it->begin(), it->end(), [&](const json& a) {
    return a.is_string() && a.get<std::string>() == audience;
  });
}

}  // namespace

std::string_view jwt_errc_name(jwt_errc e) {
  switch (e) {
    case jwt_errc::too_large:
      return "too_large";
    case jwt_errc::malformed:
      return "malformed";
    case jwt_errc::unsupported_alg:
      return "unsupported_alg";
    case jwt_errc::alg_mismatch:
      return "alg_mismatch";
    case jwt_errc::unknown_kid:
      return "unknown_kid";
    case jwt_errc::bad_signature:
      return "bad_signature";
    case jwt_errc::expired:
      return "expired";
    case jwt_errc::not_yet_valid:
      return "not_yet_valid";
    case jwt_errc::missing_exp:
      return "missing_exp";
    case jwt_errc::wrong_issuer:
      return "wrong_issuer";
    case jwt_errc::wrong_audience:
      return "wrong_audience";
  }
  return "unknown";
}

std::vector<verification_key> load_jwt_keys(const jwt_options& o) {
  std::vector<verification_key> keys;
  if (!o.hs256_secret.empty()) keys.push_back(verification_key::hmac(o.hs256_secret));
  const auto wrap = [](const std::string& path, auto&& load) {
    try {
      return load();
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: {}", path, e.what()));
    }
  };
  if (!o.public_key_file.empty()) {
    const std::string pem = read_file(o.public_key_file, "public key file");
    keys.push_back(wrap(o.public_key_file, [&] { return verification_key::from_pem(pem); }));
  }
  if (!o.jwks_file.empty()) {
    const std::string text = read_file(o.jwks_file, "JWKS file");
    auto set = wrap(o.jwks_file, [&] { return verification_key::from_jwks(text); });
    for (auto& key : set) keys.push_back(std::move(key));
  }
  return keys;
}

jwt_verifier::jwt_verifier(std::vector<verification_key> keys, jwt_options options, clock_fn now)
    : keys_(std::move(keys)), options_(std::move(options)), now_(std::move(now)) {
  options_.hs256_secret.clear();  // the key holds it; no second copy
  if (keys_.empty()) throw std::invalid_argument("JWT verifier: no key configured");
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    for (std::size_t j = i + 1; j < keys_.size(); ++j) {
      if (!keys_[i].kid().empty() && keys_[i].kid() == keys_[j].kid()) {
        throw std::invalid_argument(
            fmt::format("JWT keys: kid \"{}\" appears twice", keys_[i].kid()));
      }
    }
  }
}

const verification_key* jwt_verifier::select_key(jwt_alg alg, const std::string& kid,
                                                 jwt_error& err) const {
  const verification_key* kidless = nullptr;
  const verification_key* only = nullptr;
  int same_alg = 0;
  for (const auto& key : keys_) {
    if (key.alg() != alg) continue;
    if (!kid.empty() && key.kid() == kid) return &key;
    if (key.kid().empty() && !kidless) kidless = &key;
    ++same_alg;
    only = &key;
  }
  if (kidless) return kidless;
  if (same_alg == 0) {
    err = {jwt_errc::alg_mismatch,
           fmt::format("token alg {} but no {} key is configured", alg_name(alg), alg_name(alg))};
  } else if (kid.empty() && same_alg == 1) {
    return only;
  } else {
    err = {jwt_errc::unknown_kid, kid.empty() ? "token has no kid and several keys could match"
                                              : fmt::format("no key with kid \"{}\"", kid)};
  }
  return nullptr;
}

result<jwt_claims, jwt_error> jwt_verifier::verify(std::string_view token) const {
  if (token.size() > options_.max_token_bytes) {
    return error(jwt_errc::too_large, fmt::format("token of {} bytes; at most {}", token.size(),
                                                  options_.max_token_bytes));
  }
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return error(jwt_errc::malformed, "not three dot-separated parts");
  }
  const auto header = decode_object(token.substr(0, dot1));
  if (!header) return error(jwt_errc::malformed, "header is not a base64url JSON object");
  const auto alg_it = header->find("alg");
  if (alg_it == header->end() || !alg_it->is_string()) {
    return error(jwt_errc::malformed, "header has no alg");
  }
  const auto alg = parse_alg(alg_it->get<std::string>());
  if (!alg) {
    return error(jwt_errc::unsupported_alg,
                 fmt::format("alg {} is not accepted (HS256, RS256, ES256)", alg_it->dump()));
  }
  if (header->contains("crit")) return error(jwt_errc::malformed, "header has crit extensions");
  const auto kid_it = header->find("kid");
  if (kid_it != header->end() && !kid_it->is_string()) {
    return error(jwt_errc::malformed, "kid is not a string");
  }
  jwt_error err{jwt_errc::malformed, ""};
  const verification_key* key =
      select_key(*alg, kid_it == header->end() ? std::string() : kid_it->get<std::string>(), err);
  if (!key) return failure(std::move(err));
  const auto signature = base64url_decode(token.substr(dot2 + 1));
  if (!signature || signature->empty()) {
    return error(jwt_errc::malformed, "signature is not base64url");
  }
  if (!key->verify(token.substr(0, dot2), *signature)) {
    return error(jwt_errc::bad_signature,
                 fmt::format("{} signature does not verify", alg_name(*alg)));
  }
  auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload) return error(jwt_errc::malformed, "payload is not base64url");
  return check_claims(*payload);
}

result<jwt_claims, jwt_error> jwt_verifier::check_claims(const std::string& payload) const {
  const json claims = json::parse(payload, nullptr, false);
  if (claims.is_discarded() || !claims.is_object()) {
    return error(jwt_errc::malformed, "payload is not a JSON object");
  }
  bool bad = false;
  const auto exp = numeric_date(claims, "exp", bad);
  const auto nbf = numeric_date(claims, "nbf", bad);
  const auto sub = claims.find("sub");
  if (bad || (sub != claims.end() && !sub->is_string())) {
    return error(jwt_errc::malformed, "exp/nbf must be numbers and sub a string");
  }
  const double now = std::chrono::duration<double>(now_().time_since_epoch()).count();
  const auto leeway = static_cast<double>(options_.leeway.count());
  if (!exp && options_.require_exp) return error(jwt_errc::missing_exp, "token has no exp");
  if (exp && *exp + leeway <= now) {
    return error(jwt_errc::expired, fmt::format("expired at {:.0f} (now {:.0f})", *exp, now));
  }
  if (nbf && *nbf - leeway > now) {
    return error(jwt_errc::not_yet_valid, fmt::format("valid from {:.0f} (now {:.0f})", *nbf, now));
  }
  if (!options_.issuer.empty()) {
    const auto iss = claims.find("iss");
    if (iss == claims.end() || !iss->is_string() || iss->get<std::string>() != options_.issuer) {
      return error(jwt_errc::wrong_issuer, "iss is not the configured issuer");
    }
  }
  if (!options_.audience.empty() && !audience_matches(claims, options_.audience)) {
    return error(jwt_errc::wrong_audience, "aud does not name the configured audience");
  }
  jwt_claims out;
  if (sub != claims.end()) out.sub = sub->get<std::string>();
  if (exp) out.exp = static_cast<int64_t>(std::clamp(*exp, -9.0e18, 9.0e18));
  const auto admin = claims.find("odin_admin");
  out.odin_admin = admin != claims.end() && admin->is_boolean() && admin->get<bool>();
  out.raw_json = payload;
  return out;
}

}  // namespace odin::auth
