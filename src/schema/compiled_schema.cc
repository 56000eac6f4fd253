// Validating a document against a compiled schema (compiled_schema::validate).
#include "schema/compiled_schema.h"

#include <cmath>

#include <fmt/format.h>

#include "schema/json_pointer.h"
#include "schema/schema_node.h"

namespace odin::schema {
namespace {

using detail::literal;
using detail::node;
using simdjson::dom::element;
using simdjson::dom::element_type;

// Where a value is, as a chain on the stack: rendered into a JSON Pointer only when a
// violation is reported, so a valid document costs no allocation.
struct path {
  const path* parent = nullptr;
  std::string_view key;  // root: the whole base pointer
  std::size_t index = 0;
  enum class step : uint8_t { root, key, item } kind = step::root;

  std::string render() const {
    if (kind == step::root) return std::string(key);
    const std::string base = parent->render();
    return kind == step::key ? pointer_to_member(base, key) : pointer_to_item(base, index);
  }
};

class checker {
 public:
  explicit checker(std::vector<violation>& out) : out_(out), start_(out.size()) {}

  bool clean() const { return out_.size() == start_; }

  void check(const node& n, element e, const path& at) {
    if (full()) return;
    if (n.never) return add(at, "is not allowed");
    const uint8_t bits = type_bits(e);
    if (n.types != 0 && (n.types & bits) == 0) {
      return add(at, fmt::format("must be {}{}, not {}", article(n.type_names), n.type_names,
                                 type_name(e)));
    }
    if (n.const_value && !equal(e, *n.const_value)) {
      return add(at, fmt::format("must be {}", n.const_value->json));
    }
    if (n.enum_values && !in_enum(e, *n.enum_values)) {
      return add(at, fmt::format("must be one of {}", enum_text(*n.enum_values)));
    }
    switch (e.type()) {
      case element_type::INT64:
      case element_type::UINT64:
      case element_type::DOUBLE:
        return check_number(n, e.get_double().value_unsafe(), at);
      case element_type::STRING:
        return check_string(n, e.get_string().value_unsafe(), at);
      case element_type::OBJECT:
        return check_object(n, e.get_object().value_unsafe(), at);
      case element_type::ARRAY:
        return check_array(n, e.get_array().value_unsafe(), at);
      default:
        return;
    }
  }

  // One member of an object: its property schema, else additionalProperties.
  void check_member(const node& n, std::string_view key, element value, const path& at) {
    if (full()) return;
    if (auto p = n.properties.find(key); p != n.properties.end())
      return check(*p->second, value, at);
    if (n.additional_schema) return check(*n.additional_schema, value, at);
    if (!n.additional_allowed) add(at, "is not an allowed field");
  }

  void add(const path& at, std::string message) {
    if (!full()) out_.push_back({at.render(), std::move(message)});
  }
  void add(std::string pointer, std::string message) {
    if (!full()) out_.push_back({std::move(pointer), std::move(message)});
  }
  bool full() const { return out_.size() >= max_violations; }

 private:
  static uint8_t type_bits(element e) {
    switch (e.type()) {
      case element_type::ARRAY:
        return detail::array_type;
      case element_type::OBJECT:
        return detail::object_type;
      case element_type::INT64:
      case element_type::UINT64:
        return detail::number_type | detail::integer_type;
      case element_type::DOUBLE: {
        // 2020-12: an integer is a number with a zero fractional part (1.0 is an integer).
        const double d = e.get_double().value_unsafe();
        return std::isfinite(d) && std::floor(d) == d ? detail::number_type | detail::integer_type
                                                      : detail::number_type;
      }
      case element_type::STRING:
        return detail::string_type;
      case element_type::BOOL:
        return detail::boolean_type;
      case element_type::NULL_VALUE:
        return detail::null_type;
    }
    return 0;
  }

  static std::string_view type_name(element e) {
    switch (e.type()) {
      case element_type::ARRAY:
        return "an array";
      case element_type::OBJECT:
        return "an object";
      case element_type::INT64:
      case element_type::UINT64:
      case element_type::DOUBLE:
        return "a number";
      case element_type::STRING:
        return "a string";
      case element_type::BOOL:
        return "a boolean";
      case element_type::NULL_VALUE:
        return "null";
    }
    return "unknown";
  }

  static std::string_view article(std::string_view names) {
    if (names.starts_with("null")) return "";
    return names.starts_with("array") || names.starts_with("object") || names.starts_with("integer")
               ? "an "
               : "a ";
  }

  static bool equal(element e, const literal& l) {
    switch (l.t) {
      case literal::tag::null:
        return e.type() == element_type::NULL_VALUE;
      case literal::tag::boolean:
        return e.type() == element_type::BOOL && e.get_bool().value_unsafe() == l.boolean;
      case literal::tag::string:
        return e.type() == element_type::STRING && e.get_string().value_unsafe() == l.string;
      case literal::tag::number: {
        double d = 0;
        return !e.get_double().get(d) && d == l.number;
      }
    }
    return false;
  }

  static bool in_enum(element e, const std::vector<literal>& values) {
    for (const literal& l : values) {
      if (equal(e, l)) return true;
    }
    return false;
  }

  static std::string enum_text(const std::vector<literal>& values) {
    std::string out;
    for (const literal& l : values) {
      if (!out.empty()) out += ", ";
      out += l.json;
    }
    return out;
  }

  void check_number(const node& n, double v, const path& at) {
    if (n.minimum && v < *n.minimum) add(at, fmt::format("must be at least {}", *n.minimum));
    if (n.maximum && v > *n.maximum) add(at, fmt::format("must be at most {}", *n.maximum));
    if (n.exclusive_minimum && v <= *n.exclusive_minimum) {
      add(at, fmt::format("must be greater than {}", *n.exclusive_minimum));
    }
    if (n.exclusive_maximum && v >= *n.exclusive_maximum) {
      add(at, fmt::format("must be less than {}", *n.exclusive_maximum));
    }
  }

  void check_string(const node& n, std::string_view s, const path& at) {
    std::size_t code_points = 0;  // the input is valid UTF-8 (simdjson checked it)
    for (char c : s) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    if (n.min_length && code_points < *n.min_length) {
      add(at, fmt::format("must be at least {} characters long", *n.min_length));
    }
    if (n.max_length && code_points > *n.max_length) {
      // The pattern is not tried on an over-long string (see compiled_schema.h).
      return add(at, fmt::format("must be at most {} characters long", *n.max_length));
    }
    if (n.pattern && !std::regex_search(s.begin(), s.end(), *n.pattern)) {
      add(at, fmt::format("must match the pattern {}", n.pattern_source));
    }
  }

  void check_object(const node& n, simdjson::dom::object o, const path& at) {
    for (auto [key, value] : o) {
      check_member(n, key, value, path{&at, key, 0, path::step::key});
    }
    for (const std::string& name : n.required) {
      if (o.at_key(name).error()) add(pointer_to_member(at.render(), name), "is required");
    }
  }

  void check_array(const node& n, simdjson::dom::array a, const path& at) {
    if (n.min_items && a.size() < *n.min_items) {
      add(at, fmt::format("must have at least {} items", *n.min_items));
    }
    if (n.max_items && a.size() > *n.max_items) {
      add(at, fmt::format("must have at most {} items", *n.max_items));
    }
    if (!n.items) return;
    std::size_t i = 0;
    for (element item : a) check(*n.items, item, path{&at, {}, i++, path::step::item});
  }

  std::vector<violation>& out_;
  std::size_t start_;
};

}  // namespace

bool compiled_schema::validate(element value, std::vector<violation>& out,
                               std::string_view base) const {
  checker c(out);
  c.check(*root_, value, path{nullptr, base});
  return c.clean();
}

bool compiled_schema::validate_members(std::span<const member> members,
                                       std::string_view missing_prefix,
                                       std::vector<violation>& out) const {
  checker c(out);
  const node& n = *root_;
  if (n.never || (n.types != 0 && (n.types & detail::object_type) == 0)) {
    c.add(std::string(missing_prefix), "the schema does not describe an object");
    return false;
  }
  for (const member& m : members) {
    if (!m.value) continue;
    const path parent{nullptr, m.parent};
    c.check_member(n, m.key, *m.value, path{&parent, m.key, 0, path::step::key});
  }
  for (const std::string& name : n.required) {
    const bool present =
        std::any_of(members.begin(), members.end(), [&](const member& m) { return m.key == name; });
    if (!present) c.add(pointer_to_member(missing_prefix, name), "is required");
  }
  return c.clean();
}

bool compiled_schema::declares(std::string_view key) const {
  return root_->properties.find(key) != root_->properties.end();
}

}  // namespace odin::schema
