#include "protocol/request_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include <boost/unordered/unordered_flat_map.hpp>

#include "common/json_escape.h"
#include "model/bundle.h"

namespace odin::protocol {
namespace {

constexpr std::size_t max_echo_bytes = 64;  // longest client value quoted in an error message
constexpr std::string_view expected_types =
    R"(expected "subscribe", "unsubscribe", "ping" or "auth")";

// `value` as a JSON string literal, cut at a UTF-8 boundary after max_echo_bytes.
std::string quoted(std::string_view value) {
  const bool cut = value.size() > max_echo_bytes;
  if (cut) {
    std::size_t n = max_echo_bytes;
    while (n > 0 && (static_cast<uint8_t>(value[n]) & 0xC0) == 0x80) --n;
    value = value.substr(0, n);
  }
  std::string out;
  append_json_string(out, value);
  if (cut) out += "...";
  return out;
}

// "a, b, c" from the names of a range of enum values.
template <class Range>
std::string join_names(const Range& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += model::to_string(v);
  }
  return out;
}

// First violation of the structural rules of subscribe/unsubscribe, if any.
std::optional<request_error> check_shape(const raw_request& r, const protocol_limits& limits) {
  using enum field_state;
  auto fail = [&](error_code c, std::string m) {
    return request_error{c, std::move(m), std::string(r.id.value)};
  };
  if (r.bundle.state == wrong_type)
    return fail(error_code::invalid_request, R"("bundle" must be a string)");
  if (r.tokens.state == wrong_type)
    return fail(error_code::invalid_request, R"("tokens" must be an array of strings)");
  if (r.channels.state == wrong_type)
    return fail(error_code::invalid_request, R"("channels" must be an array of strings)");
  if (r.since.state == wrong_type)
    return fail(error_code::invalid_request, R"("since" must be an object of strings)");
  if (r.snapshot.state == wrong_type)
    return fail(error_code::invalid_request, R"("snapshot" must be true or false)");
  if (r.mode.state == wrong_type ||
      (r.mode.state == ok && r.mode.value != "latest" && r.mode.value != "exact")) {
    return fail(error_code::invalid_request, R"("mode" must be "exact" or "latest")");
  }
  if (r.tokens.state == ok && r.bundle.state == absent)
    return fail(error_code::invalid_request, R"("tokens" needs a "bundle")");
  if (r.bundle.state == absent && r.channels.state == absent) {
    return fail(error_code::invalid_request,
                R"(give "bundle" with "tokens", or "channels", or both)");
  }
  if (r.bundle.state == ok && r.tokens.items.empty()) {
    return fail(
        error_code::empty_tokens,
        fmt::format(R"(bundle {} needs a non-empty "tokens" list)", quoted(r.bundle.value)));
  }
  if (r.channels.state == ok && r.channels.items.empty())
    return fail(error_code::empty_tokens, R"("channels" is empty)");
  if (r.tokens.items.size() > limits.max_per_request) {
    return fail(error_code::too_many_tokens,
                fmt::format("{} tokens in one request; the limit is {}", r.tokens.items.size(),
                            limits.max_per_request));
  }
  if (r.channels.items.size() > limits.max_per_request) {
    return fail(error_code::too_many_tokens,
                fmt::format("{} channels in one request; the limit is {}", r.channels.items.size(),
                            limits.max_per_request));
  }
  return std::nullopt;
}

// Adds token.k unless this request already holds it (first occurrence wins).
class channel_collector {
 public:
  explicit channel_collector(std::size_t expected) { out_.reserve(expected); }
  void add(std::string_view token, model::kind k) {
    model::kind_set& held = seen_[token];
    if (held.contains(k)) return;
    held.insert(k);
    out_.push_back(model::channel{std::string(token), k});
  }
  std::vector<model::channel> take() { return std::move(out_); }

 private:
  boost::unordered_flat_map<std::string_view, model::kind_set> seen_;
  std::vector<model::channel> out_;
};

request_error channel_failure(std::string_view name, model::channel_error e, std::string_view id) {
  const std::size_t dot = name.rfind('.');
  switch (e) {
    case model::channel_error::missing_separator:
      break;
    case model::channel_error::invalid_token: {
      const auto v = model::validate_token(name.substr(0, dot));
      return {error_code::invalid_channel,
              fmt::format("invalid channel {}: {}", quoted(name), model::describe(v.error())),
              std::string(id)};
    }
    case model::channel_error::unknown_kind:
      return {error_code::unknown_kind,
              fmt::format("unknown kind {} in channel {}; expected one of {}",
                          quoted(name.substr(dot + 1)), quoted(name), join_names(model::all_kinds)),
              std::string(id)};
  }
  return {error_code::invalid_channel,
          fmt::format("invalid channel {}: {}", quoted(name), model::describe(e)), std::string(id)};
}

// "since": every key a channel of the request, every value one of our positions, of that
// channel's kind. A repeated key counts once (the last value). Entries end up in channel order.
std::optional<request_error> read_positions(const raw_request& r, request& req) {
  auto fail = [&](error_code c, std::string m) {
    return request_error{c, std::move(m), std::string(r.id.value)};
  };
  std::vector<std::optional<stream_position>> at(req.channels.size());
  for (const auto& [name, text] : r.since.items) {
    const auto c = model::parse_channel(name);
    const auto it =
        c ? std::find(req.channels.begin(), req.channels.end(), c.value()) : req.channels.end();
    if (it == req.channels.end()) {
      return fail(
          error_code::invalid_request,
          fmt::format(R"("since" names {}, which is not a channel of this request)", quoted(name)));
    }
    const auto pos = parse_position(text);
    if (!pos || pos->kind != it->kind) {
      return fail(error_code::invalid_position,
                  fmt::format("invalid position {} for channel {}", quoted(text), quoted(name)));
    }
    at[static_cast<std::size_t>(it - req.channels.begin())] = *pos;
  }
  for (std::size_t i = 0; i < at.size(); ++i) {
    if (at[i]) req.since.push_back({i, *at[i]});
  }
  return std::nullopt;
}

result<request, request_error> expand(const raw_request& r, request_type type) {
  auto fail = [&](error_code c, std::string m) {
    return request_error{c, std::move(m), std::string(r.id.value)};
  };
  std::optional<model::bundle> b;
  if (r.bundle.state == field_state::ok) {
    b = model::parse_bundle(r.bundle.value);
    if (!b)
      return fail(error_code::unknown_bundle,
                  fmt::format("unknown bundle {}; expected one of {}", quoted(r.bundle.value),
                              join_names(model::all_bundles())));
  }
  const std::size_t kinds = b ? model::kinds_of(*b).size() : 0;
  channel_collector out(r.tokens.items.size() * kinds + r.channels.items.size());
  for (std::string_view token : r.tokens.items) {
    if (auto v = model::validate_token(token); !v) {
      return fail(error_code::invalid_token,
                  fmt::format("invalid token {}: {}", quoted(token), model::describe(v.error())));
    }
    for (model::kind k : model::kinds_of(*b)) out.add(token, k);
  }
  for (std::string_view name : r.channels.items) {
    const auto c = model::parse_channel(name);
    if (!c) return channel_failure(name, c.error(), r.id.value);
    out.add(name.substr(0, name.rfind('.')), c.value().kind);
  }
  request req{type, std::string(r.id.value), out.take(), {}, false, false, {}};
  if (type != request_type::subscribe) return req;
  req.snapshot = r.snapshot.state == field_state::ok && r.snapshot.value;
  req.latest = r.mode.state == field_state::ok && r.mode.value == "latest";
  if (auto bad = read_positions(r, req)) return std::move(*bad);
  return req;
}

std::optional<request_type> type_named(std::string_view name) {
  if (name == "subscribe") return request_type::subscribe;
  if (name == "unsubscribe") return request_type::unsubscribe;
  if (name == "ping") return request_type::ping;
  if (name == "auth") return request_type::auth;
  return std::nullopt;
}

// The top level, the id and the type, in this order (a bad id is not echoed).
result<request_type, request_error> check_type(const raw_request& r) {
  if (!r.is_object) {
    return request_error{error_code::invalid_request, "a request must be a JSON object", ""};
  }
  if (r.id.state == field_state::wrong_type) {
    return request_error{
        error_code::invalid_request,
        fmt::format(R"("id" must be a string or a number of at most {} bytes)", max_id_bytes), ""};
  }
  const std::string_view id = r.id.value;
  if (r.type.state == field_state::wrong_type) {
    return request_error{error_code::invalid_request, R"("type" must be a string)",
                         std::string(id)};
  }
  if (r.type.state == field_state::absent) {
    return request_error{error_code::unknown_type,
                         fmt::format(R"(missing "type"; {})", expected_types), std::string(id)};
  }
  const auto type = type_named(r.type.value);
  if (!type) {
    return request_error{error_code::unknown_type,
                         fmt::format("unknown type {}; {}", quoted(r.type.value), expected_types),
                         std::string(id)};
  }
  return *type;
}

}  // namespace

result<request, request_error> apply_rules(raw_request& r, const protocol_limits& limits) {
  const auto type = check_type(r);
  if (!type) return type.error();
  switch (type.value()) {
    case request_type::ping:
      return request{type.value(), std::string(r.id.value), {}, {}, false, false, {}};
    case request_type::auth:
      if (r.token.state != field_state::ok || r.token.value.empty()) {
        return request_error{error_code::invalid_request,
                             R"("auth" needs a non-empty "token" string)", std::string(r.id.value)};
      }
      return request{type.value(), std::string(r.id.value),   {}, {}, false,
                     false,        std::string(r.token.value)};
    case request_type::unsubscribe:  // subscribe-only fields: ignored, as unknown ones
      r.since.state = r.snapshot.state = r.mode.state = field_state::absent;
      break;
    case request_type::subscribe:
      break;
  }
  if (auto bad = check_shape(r, limits)) return std::move(*bad);
  return expand(r, type.value());
}

}  // namespace odin::protocol
