#include "publisher/ingest.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "common/json_escape.h"
#include "model/channel.h"
#include "publisher/replies.h"
#include "schema/json_pointer.h"

namespace odin::publisher {
namespace {

using schema::pointer_to_member;
using schema::violation;
using simdjson::dom::element;
using simdjson::dom::element_type;

// The hot path allocates only the record value: member lists live in per-thread scratch
// vectors reused from event to event, JSON Pointers are rendered only for a violation, and
// field values are re-serialised through one reused builder.
struct field {
  std::string_view key;
  element value;
  std::string_view parent;  // "" (top level) or "/data"

  std::string pointer() const { return pointer_to_member(parent, key); }
};

// An event's members sorted into the envelope and its fields.
struct scanned {
  std::optional<element> type, token, timestamp, data, event_id;
  std::vector<field> fields;  // flat form: the top-level fields; nested: the members of data
  bool nested = false;

  void reset() {
    type = token = timestamp = data = event_id = std::nullopt;
    fields.clear();
    nested = false;
  }
  // The envelope slot of `key`, or nullptr for a field.
  std::optional<element>* envelope_slot(std::string_view key) {
    if (key == "type") return &type;
    if (key == "tokenId") return &token;
    if (key == "timestamp") return &timestamp;
    if (key == "eventId") return &event_id;
    return nullptr;
  }
  bool has_field(std::string_view key) const {
    return std::any_of(fields.begin(), fields.end(), [&](const field& f) { return f.key == key; });
  }
};

struct scratch {
  scanned event;
  std::vector<schema::member> members;
  simdjson::internal::string_builder<> value_text;
};

scratch& thread_scratch() {
  thread_local scratch s;
  return s;
}

bool is_envelope(std::string_view key) {
  return key == "type" || key == "tokenId" || key == "timestamp" || key == "eventId";
}

void scan(simdjson::dom::object event, scanned& s, std::vector<violation>& errors) {
  s.reset();
  for (auto [key, value] : event) {
    std::optional<element>* slot = key == "data" ? &s.data : s.envelope_slot(key);
    if (slot != nullptr ? slot->has_value() : s.has_field(key)) {
      errors.push_back({pointer_to_member("", key), "is given twice"});
    } else if (slot != nullptr) {
      *slot = value;
    } else {
      s.fields.push_back({key, value, ""});
    }
  }
}

// Nested form: the top level may only hold the envelope and "data"; the fields come from data.
void unnest(scanned& s, std::vector<violation>& errors) {
  s.nested = true;
  for (const field& f : s.fields) {
    errors.push_back(
        {f.pointer(), R"(is not allowed next to "data": put the event's fields inside "data")"});
  }
  s.fields.clear();
  if (s.data->type() != element_type::OBJECT) {
    errors.push_back({"/data", "must be an object holding the event's fields"});
    return;
  }
  const simdjson::dom::object data = s.data->get_object().value_unsafe();
  for (auto [key, value] : data) {
    if (is_envelope(key)) {
      errors.push_back(
          {pointer_to_member("/data", key), R"(belongs at the top level, next to "data")"});
    } else if (s.has_field(key)) {
      errors.push_back({pointer_to_member("/data", key), "is given twice"});
    } else {
      s.fields.push_back({key, value, "/data"});
    }
  }
}

std::string known_types() {
  std::string out;
  for (model::event_type t : model::all_event_types()) {
    if (!out.empty()) out += ", ";
    out += model::to_string(t);
  }
  return out;
}

std::optional<model::event_type> check_type(const std::optional<element>& e,
                                            std::vector<violation>& errors) {
  if (!e) {
    errors.push_back({"/type", "is required"});
    return std::nullopt;
  }
  if (e->type() != element_type::STRING) {
    errors.push_back({"/type", "must be a string (the event type)"});
    return std::nullopt;
  }
  const std::string_view name = e->get_string().value_unsafe();
  auto t = model::parse_event_type(name);
  if (!t) {
    static const std::string known = known_types();
    std::string shown;
    append_json_string(shown, utf8_prefix(name, 64));
    errors.push_back(
        {"/type", fmt::format("unknown event type {}; known types: {}", shown, known)});
  }
  return t;
}

std::optional<std::string_view> check_token(const std::optional<element>& e,
                                            std::vector<violation>& errors) {
  if (!e) {
    errors.push_back({"/tokenId", "is required"});
    return std::nullopt;
  }
  if (e->type() != element_type::STRING) {
    errors.push_back({"/tokenId", "must be a string (the token id)"});
    return std::nullopt;
  }
  const std::string_view token = e->get_string().value_unsafe();
  if (auto ok = model::validate_token(token); !ok) {
    errors.push_back({"/tokenId", std::string(model::describe(ok.error()))});
    return std::nullopt;
  }
  return token;
}

// "eventId": 1..max_event_id_bytes printable ASCII characters without spaces (it travels in
// a Kafka record header and in logs).
std::optional<std::string_view> check_event_id(const std::optional<element>& e,
                                               std::vector<violation>& errors) {
  if (!e) return std::nullopt;
  const std::string_view id =
      e->type() == element_type::STRING ? e->get_string().value_unsafe() : std::string_view{};
  const bool ok = !id.empty() && id.size() <= max_event_id_bytes &&
                  std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 127; });
  if (!ok) {
    errors.push_back({"/eventId", fmt::format("must be a string of 1 to {} printable ASCII "
                                              "characters without spaces",
                                              max_event_id_bytes)});
    return std::nullopt;
  }
  return id;
}

void append_integer(std::string& out, int64_t v) {
  std::array<char, 24> buf;
  out.append(buf.data(), std::to_chars(buf.data(), buf.data() + buf.size(), v).ptr);
}

// The record value: the plan's (docs/plan.md) flat shape. The schema has checked every part already
// (timestamp: an integer in [0, year 9999], so it fits int64 even when written as 1.7e12).
std::string render_value(model::event_type type, std::string_view token,
                         const std::optional<element>& timestamp, int64_t now_ms,
                         const std::vector<field>& fields,
                         simdjson::internal::string_builder<>& text) {
  std::string out;
  out.reserve(64 + token.size() + 24 * fields.size());
  out += R"({"type":")";
  out += model::to_string(type);
  out += R"(","tokenId":)";
  append_json_string(out, token);
  out += R"(,"timestamp":)";
  int64_t ts = now_ms;
  if (timestamp) {
    ts = timestamp->type() == element_type::DOUBLE
             ? static_cast<int64_t>(timestamp->get_double().value_unsafe())
             : timestamp->get_int64().value_unsafe();
  }
  append_integer(out, ts);
  for (const field& f : fields) {
    out += ',';
    append_json_string(out, f.key);
    out += ':';
    text.clear();
    text.append(f.value);  // what simdjson::to_string writes, without two allocations
    out += text.str();
  }
  out += '}';
  return out;
}

ingest_error body_error(int status, std::string code, std::string message) {
  ingest_error e;
  e.status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

}  // namespace

result<std::vector<prepared_event>, ingest_error> ingest::prepare(
    std::string_view body, int64_t now_ms, simdjson::dom::parser& parser) const {
  element root;
  if (auto error = parser.parse(body.data(), body.size(), true).get(root)) {
    return failure(
        body_error(400, "invalid_json",
                   fmt::format("the body is not valid JSON: {}", simdjson::error_message(error))));
  }
  std::vector<element> events;
  if (root.type() == element_type::OBJECT) {
    events.push_back(root);
  } else if (root.type() == element_type::ARRAY) {
    auto array = root.get_array().value_unsafe();
    if (array.size() == 0) {
      return failure(body_error(400, "empty_batch", "the array holds no events"));
    }
    if (array.size() > max_batch_) {
      return failure(
          body_error(413, "batch_too_large",
                     fmt::format("the batch holds {} events; at most {} are accepted per request",
                                 array.size(), max_batch_)));
    }
    events.reserve(array.size());
    for (element e : array) events.push_back(e);
  } else {
    return failure(body_error(400, "invalid_body",
                              "the body must be one event (a JSON object) or an array of events"));
  }
  std::vector<prepared_event> out(events.size());
  ingest_error invalid = body_error(400, "invalid_events", "");
  // eventId → the first valid event carrying it (views into `out`, which never reallocates).
  std::unordered_map<std::string_view, std::size_t> first_with_id;
  for (std::size_t i = 0; i < events.size(); ++i) {
    std::vector<violation> errors;
    if (prepare_event(events[i], now_ms, out[i], errors)) {
      const std::string& id = out[i].event_id;
      if (id.empty()) continue;
      const auto [first, inserted] = first_with_id.try_emplace(id, i);
      if (inserted) continue;
      errors.push_back({"/eventId", fmt::format("repeats the eventId of event {} of this request",
                                                first->second)});
    }
    if (++invalid.invalid_count <= max_listed_events) {
      invalid.events.push_back({i, std::move(errors)});
    }
  }
  if (invalid.invalid_count == 0) return out;
  invalid.message = fmt::format("{} of {} events are invalid; nothing was published",
                                invalid.invalid_count, events.size());
  return failure(std::move(invalid));
}

bool ingest::prepare_event(element event, int64_t now_ms, prepared_event& out,
                           std::vector<violation>& errors) const {
  const std::size_t before = errors.size();
  if (event.type() != element_type::OBJECT) {
    errors.push_back({"", "an event must be a JSON object"});
    return false;
  }
  scratch& work = thread_scratch();
  scanned& s = work.event;
  scan(event.get_object().value_unsafe(), s, errors);
  if (s.data) unnest(s, errors);
  const auto type = check_type(s.type, errors);
  const auto token = check_token(s.token, errors);
  const auto event_id = check_event_id(s.event_id, errors);
  if (!type) return false;
  // type and tokenId are checked above: they count as present for the schema.
  std::vector<schema::member>& members = work.members;
  members.clear();
  members.push_back({"type", std::nullopt, ""});
  members.push_back({"tokenId", std::nullopt, ""});
  members.push_back({"timestamp", s.timestamp, ""});
  for (const field& f : s.fields) members.push_back({f.key, f.value, f.parent});
  const schema::compiled_schema& schema = schemas_.of(*type);
  schema.validate_members(members, s.nested ? "/data" : "", errors);
  out.unknown_fields.clear();
  for (const field& f : s.fields) {
    if (schema.declares(f.key)) continue;
    if (strict_) {
      errors.push_back({f.pointer(), fmt::format("is not a field of {} (PUBLISHER_STRICT_SCHEMAS "
                                                 "refuses fields its schema does not declare)",
                                                 model::to_string(*type))});
    } else {
      out.unknown_fields.emplace_back(f.key);
    }
  }
  if (errors.size() != before || !token) return false;
  out.type = *type;
  out.token = std::string(*token);
  out.value = render_value(*type, *token, s.timestamp, now_ms, s.fields, work.value_text);
  out.event_id = event_id ? std::string(*event_id) : std::string();
  return true;
}

}  // namespace odin::publisher
