#include "protocol/client_protocol.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>

#include <boost/unordered/unordered_flat_map.hpp>

#include "common/json_escape.h"
#include "model/bundle.h"

namespace odin::protocol {
namespace {

namespace od = simdjson::ondemand;
using json_error = simdjson::error_code;

constexpr std::size_t max_echo_bytes = 64;  // longest client value quoted in an error message
constexpr std::string_view expected_types =
    R"(expected "subscribe", "unsubscribe", "ping" or "auth")";

// ---------------------------------------------------------------------------------------------
// Stage 1: one pass over the document with simdjson On-Demand. Known fields are captured (as
// views into the parser's buffers), every other value is walked and validated, so a document is
// accepted exactly when it is valid JSON (the fuzzer checks this against simdjson's DOM parser).

enum class field_state : uint8_t { absent, ok, wrong_type };

struct string_field {
  field_state state = field_state::absent;
  std::string_view value;
};

struct list_field {
  field_state state = field_state::absent;
  std::vector<std::string_view> items;
};

struct since_field {
  field_state state = field_state::absent;
  std::vector<std::pair<std::string_view, std::string_view>> items;  // channel, position
};

struct bool_field {
  field_state state = field_state::absent;
  bool value = false;
};

struct raw_request {
  bool is_object = false;
  since_field since;
  bool_field snapshot;
  string_field mode;
  string_field token;  // auth
  string_field id;     // raw JSON text of the id
  string_field type;
  string_field bundle;
  list_field tokens;
  list_field channels;
};

json_error validate_value(od::value v, std::size_t depth);

// raw_json_token() includes the whitespace that follows the token.
std::string_view without_trailing_space(std::string_view raw) {
  while (!raw.empty() &&
         (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\n' || raw.back() == '\r')) {
    raw.remove_suffix(1);
  }
  return raw;
}

json_error validate_array(od::array a, std::size_t depth) {
  for (auto element : a) {
    od::value v;
    if (auto e = element.get(v)) return e;
    if (auto e = validate_value(v, depth + 1)) return e;
  }
  return simdjson::SUCCESS;
}

json_error validate_object(od::object o, std::size_t depth) {
  for (auto field : o) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    od::value v;
    if (auto e = field.value().get(v)) return e;
    if (auto e = validate_value(v, depth + 1)) return e;
  }
  return simdjson::SUCCESS;
}

// Fully consumes (and so validates) a value at nesting level `depth`.
json_error validate_value(od::value v, std::size_t depth) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  switch (t) {
    case od::json_type::array: {
      od::array a;
      if (depth > max_json_depth) return simdjson::DEPTH_ERROR;
      if (auto e = v.get_array().get(a)) return e;
      return validate_array(a, depth);
    }
    case od::json_type::object: {
      od::object o;
      if (depth > max_json_depth) return simdjson::DEPTH_ERROR;
      if (auto e = v.get_object().get(o)) return e;
      return validate_object(o, depth);
    }
    case od::json_type::string:
      return v.get_string().error();
    case od::json_type::number:
      return v.get_number().error();
    case od::json_type::boolean:
      return v.get_bool().error();
    case od::json_type::null: {
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
    }
  }
  return simdjson::TAPE_ERROR;
}

json_error read_string(od::value v, string_field& f, std::size_t depth) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t != od::json_type::string) {
    f.state = field_state::wrong_type;
    return validate_value(v, depth);
  }
  f.state = field_state::ok;
  return v.get_string().get(f.value);
}

json_error read_string_list(od::value v, list_field& f, std::size_t depth) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  f.items.clear();
  f.state = t == od::json_type::array ? field_state::ok : field_state::wrong_type;
  if (f.state == field_state::wrong_type) return validate_value(v, depth);
  od::array a;
  if (auto e = v.get_array().get(a)) return e;
  for (auto element : a) {
    od::value item;
    if (auto e = element.get(item)) return e;
    string_field s;
    if (auto e = read_string(item, s, depth + 1)) return e;
    if (s.state != field_state::ok) f.state = field_state::wrong_type;
    if (f.state == field_state::ok) f.items.push_back(s.value);
  }
  return simdjson::SUCCESS;
}

// "since": an object whose values are strings (channel -> position).
json_error read_since(od::value v, since_field& f, std::size_t depth) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  f.items.clear();
  f.state = t == od::json_type::object ? field_state::ok : field_state::wrong_type;
  if (f.state == field_state::wrong_type) return validate_value(v, depth);
  od::object o;
  if (auto e = v.get_object().get(o)) return e;
  for (auto field : o) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    od::value item;
    if (auto e = field.value().get(item)) return e;
    string_field s;
    if (auto e = read_string(item, s, depth + 1)) return e;
    if (s.state != field_state::ok) f.state = field_state::wrong_type;
    if (f.state == field_state::ok) f.items.emplace_back(key, s.value);
  }
  return simdjson::SUCCESS;
}

json_error read_bool(od::value v, bool_field& f, std::size_t depth) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t != od::json_type::boolean) {
    f.state = field_state::wrong_type;
    return validate_value(v, depth);
  }
  f.state = field_state::ok;
  return v.get_bool().get(f.value);
}

// The id is kept as its raw JSON text (a string or a number), so it is echoed byte for byte.
json_error read_id(od::value v, string_field& f, std::size_t depth) {
  od::json_type t;
  if (auto e = v.type().get(t)) return e;
  if (t != od::json_type::string && t != od::json_type::number) {
    f.state = field_state::wrong_type;
    return validate_value(v, depth);
  }
  const std::string_view raw = without_trailing_space(v.raw_json_token());
  const json_error e = t == od::json_type::string ? v.get_string().error() : v.get_number().error();
  if (e) return e;
  f.state = raw.size() <= max_id_bytes ? field_state::ok : field_state::wrong_type;
  f.value = raw;
  return simdjson::SUCCESS;
}

// A repeated field replaces the earlier one (the last occurrence wins, as in JavaScript).
json_error read_fields(od::object o, raw_request& r) {
  constexpr std::size_t depth = 2;  // values of the top-level object
  for (auto field : o) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    od::value v;
    if (auto e = field.value().get(v)) return e;
    json_error e = simdjson::SUCCESS;
    if (key == "type") {
      e = read_string(v, r.type, depth);
    } else if (key == "id") {
      e = read_id(v, r.id, depth);
    } else if (key == "bundle") {
      e = read_string(v, r.bundle, depth);
    } else if (key == "tokens") {
      e = read_string_list(v, r.tokens, depth);
    } else if (key == "channels") {
      e = read_string_list(v, r.channels, depth);
    } else if (key == "since") {
      e = read_since(v, r.since, depth);
    } else if (key == "snapshot") {
      e = read_bool(v, r.snapshot, depth);
    } else if (key == "mode") {
      e = read_string(v, r.mode, depth);
    } else if (key == "token") {
      e = read_string(v, r.token, depth);
    } else {
      e = validate_value(v, depth);
    }
    if (e) return e;
  }
  return simdjson::SUCCESS;
}

class json_reader {
 public:
  json_reader() {
    // Sized for the gateway's 64 KiB limit; if this fails, iterate() allocates on demand.
    const json_error e = parser_.allocate(64 * 1024);
    static_cast<void>(e);
  }

  json_error read(std::string_view text, raw_request& r) {
    buffer_.assign(text);
    buffer_.resize(text.size() + simdjson::SIMDJSON_PADDING);
    od::document doc;
    if (auto e = parser_.iterate(buffer_.data(), text.size(), buffer_.size()).get(doc)) return e;
    od::json_type t;
    if (auto e = doc.type().get(t)) return e;
    if (t != od::json_type::object) return validate_non_object(text.size());
    r.is_object = true;
    od::object o;
    if (auto e = doc.get_object().get(o)) return e;
    if (auto e = read_fields(o, r)) return e;
    // Anything but the end of input after the object is trailing garbage.
    const char* location = nullptr;
    const json_error at = doc.current_location().get(location);
    return at == simdjson::OUT_OF_BOUNDS ? simdjson::SUCCESS : simdjson::TRAILING_CONTENT;
  }

 private:
  // A top level that is not an object is refused either way; only invalid_json versus
  // invalid_request is at stake. The DOM parser decides: simdjson 3.0.1 On-Demand misjudges
  // some root scalars ("falseS" accepted, "true" followed by 5 tabs refused; fuzz-found).
  json_error validate_non_object(std::size_t size) {
    constexpr std::size_t dom_depth = max_json_depth + 1;  // DOM counts one level more
    if (dom_.capacity() < size || dom_.max_depth() != dom_depth) {
      if (auto e = dom_.allocate(std::max<std::size_t>(size, 4096), dom_depth)) return e;
    }
    return dom_.parse(buffer_.data(), size, false).error();
  }

  od::parser parser_;
  simdjson::dom::parser dom_;  // allocated on first use only
  std::string buffer_;         // the message copied with SIMDJSON_PADDING zero bytes after it
};

// ---------------------------------------------------------------------------------------------
// Stage 2: the protocol rules on the captured fields.

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

std::optional<request_type> parse_type(std::string_view name) {
  if (name == "subscribe") return request_type::subscribe;
  if (name == "unsubscribe") return request_type::unsubscribe;
  if (name == "ping") return request_type::ping;
  if (name == "auth") return request_type::auth;
  return std::nullopt;
}

void append_id(std::string& out, std::string_view id_json) {
  if (id_json.empty()) return;
  out += R"(,"id":)";
  out += id_json;
}

std::string render_channels(std::string_view type, const std::vector<std::string>& channels,
                            std::string_view id_json) {
  std::string out;
  out.reserve(40 + id_json.size() + channels.size() * 24);
  out += R"({"type":")";
  out += type;
  out += R"(","channels":[)";
  for (std::size_t i = 0; i < channels.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, channels[i]);
  }
  out += ']';
  append_id(out, id_json);
  out += '}';
  return out;
}

}  // namespace

std::string_view to_string(error_code c) {
  static constexpr std::string_view names[] = {
      "invalid_json",           "invalid_request", "unknown_type",
      "unknown_bundle",         "invalid_channel", "unknown_kind",
      "invalid_token",          "empty_tokens",    "too_many_tokens",
      "too_many_subscriptions", "not_subscribed",  "invalid_position",
      "unauthorized",           "forbidden",
  };
  const auto i = static_cast<std::size_t>(c);
  return i < std::size(names) ? names[i] : "invalid_request";
}

result<request, request_error> parse_request(std::string_view text, const protocol_limits& limits) {
  thread_local json_reader reader;
  raw_request r;
  const json_error e = reader.read(text, r);
  // An id that was read before a syntax error is still echoed: it helps the client match.
  const std::string_view id = r.id.state == field_state::ok ? r.id.value : std::string_view();
  if (e) {
    return request_error{error_code::invalid_json,
                         fmt::format("invalid JSON: {}", simdjson::error_message(e)),
                         std::string(id)};
  }
  if (!r.is_object) {
    return request_error{error_code::invalid_request, "a request must be a JSON object", ""};
  }
  if (r.id.state == field_state::wrong_type) {
    return request_error{
        error_code::invalid_request,
        fmt::format(R"("id" must be a string or a number of at most {} bytes)", max_id_bytes), ""};
  }
  if (r.type.state == field_state::wrong_type) {
    return request_error{error_code::invalid_request, R"("type" must be a string)",
                         std::string(id)};
  }
  if (r.type.state == field_state::absent) {
    return request_error{error_code::unknown_type,
                         fmt::format(R"(missing "type"; {})", expected_types), std::string(id)};
  }
  const auto type = parse_type(r.type.value);
  if (!type) {
    return request_error{error_code::unknown_type,
                         fmt::format("unknown type {}; {}", quoted(r.type.value), expected_types),
                         std::string(id)};
  }
  if (*type == request_type::ping) return request{*type, std::string(id), {}, {}, false, false, {}};
  if (*type == request_type::auth) {
    if (r.token.state != field_state::ok || r.token.value.empty()) {
      return request_error{error_code::invalid_request,
                           R"("auth" needs a non-empty "token" string)", std::string(id)};
    }
    request out{*type, std::string(id), {}, {}, false, false, {}};
    out.token = std::string(r.token.value);
    return out;
  }
  if (*type == request_type::unsubscribe) {  // subscribe-only fields: ignored, as unknown ones
    r.since.state = r.snapshot.state = r.mode.state = field_state::absent;
  }
  if (auto bad = check_shape(r, limits)) return std::move(*bad);
  return expand(r, *type);
}

std::string render_subscribed(const std::vector<std::string>& channels, std::string_view id_json) {
  return render_channels("subscribed", channels, id_json);
}

std::string render_subscribed(const std::vector<std::string>& channels, std::string_view id_json,
                              const std::vector<std::pair<std::string, bool>>& recovered) {
  std::string out = render_channels("subscribed", channels, {});
  out.pop_back();  // '}'
  out += R"(,"recovered":{)";
  for (std::size_t i = 0; i < recovered.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, recovered[i].first);
    out += recovered[i].second ? ":true" : ":false";
  }
  out += '}';
  append_id(out, id_json);
  out += '}';
  return out;
}

std::string render_unsubscribed(const std::vector<std::string>& channels,
                                std::string_view id_json) {
  return render_channels("unsubscribed", channels, id_json);
}

std::string render_pong(std::string_view id_json) {
  std::string out = R"({"type":"pong")";
  append_id(out, id_json);
  out += '}';
  return out;
}

std::string render_authenticated(int64_t exp, std::string_view id_json) {
  std::string out = fmt::format(R"({{"type":"authenticated","exp":{})", exp);
  append_id(out, id_json);
  out += '}';
  return out;
}

std::string render_error(error_code code, std::string_view message, std::string_view id_json) {
  std::string out;
  out.reserve(48 + message.size() + id_json.size());
  out += R"({"type":"error","code":")";
  out += to_string(code);
  out += R"(","message":)";
  append_json_string(out, message);
  append_id(out, id_json);
  out += '}';
  return out;
}

}  // namespace odin::protocol
