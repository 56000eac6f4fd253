// Compiling a schema document into detail::node trees (compiled_schema::compile).
#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "schema/compiled_schema.h"
#include "schema/json_pointer.h"
#include "schema/schema_node.h"

namespace odin::schema {
namespace {

using detail::literal;
using detail::node;
using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::string_view draft_2020_12 = "https://json-schema.org/draft/2020-12/schema";

// Keywords that only annotate: accepted anywhere, never enforced.
constexpr std::array<std::string_view, 11> annotations = {
    "$schema", "$id",        "$comment", "title",     "description", "examples",
    "default", "deprecated", "readOnly", "writeOnly", "format"};

struct type_name {
  std::string_view name;
  uint8_t bit;
};
constexpr std::array<type_name, 7> type_names = {{{"null", detail::null_type},
                                                  {"boolean", detail::boolean_type},
                                                  {"object", detail::object_type},
                                                  {"array", detail::array_type},
                                                  {"number", detail::number_type},
                                                  {"integer", detail::integer_type},
                                                  {"string", detail::string_type}}};

[[noreturn]] void fail(std::string_view where, std::string_view why) {
  throw std::invalid_argument(fmt::format("{}: {}", where.empty() ? "(schema root)" : where, why));
}

bool is_number(element e) {
  const auto t = e.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

double number_of(element e, std::string_view where) {
  if (!is_number(e)) fail(where, "must be a number");
  return e.get_double().value_unsafe();
}

std::size_t count_of(element e, std::string_view where) {
  if (e.type() == element_type::INT64 && e.get_int64().value_unsafe() >= 0) {
    return static_cast<std::size_t>(e.get_int64().value_unsafe());
  }
  fail(where, "must be a non-negative integer");
}

literal literal_of(element e, std::string_view where) {
  literal l;
  l.json = simdjson::to_string(e);
  switch (e.type()) {
    case element_type::NULL_VALUE:
      l.t = literal::tag::null;
      break;
    case element_type::BOOL:
      l.t = literal::tag::boolean;
      l.boolean = e.get_bool().value_unsafe();
      break;
    case element_type::STRING:
      l.t = literal::tag::string;
      l.string = std::string(e.get_string().value_unsafe());
      break;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      l.t = literal::tag::number;
      l.number = e.get_double().value_unsafe();
      break;
    default:
      fail(where, "only scalar values (null, boolean, number, string) are supported here");
  }
  return l;
}

void compile_type(node& n, element value, std::string_view where) {
  auto add = [&](element name, std::string_view at) {
    if (name.type() != element_type::STRING) fail(at, "a type name must be a string");
    const std::string_view s = name.get_string().value_unsafe();
    for (const type_name& t : type_names) {
      if (t.name != s) continue;
      if (n.types & t.bit) fail(at, fmt::format("type \"{}\" is listed twice", s));
      n.types |= t.bit;
      n.type_names += n.type_names.empty() ? "" : " or ";
      n.type_names += s;
      return;
    }
    fail(at, fmt::format("unknown type \"{}\"", s));
  };
  if (value.type() != element_type::ARRAY) return add(value, where);
  std::size_t i = 0;
  const simdjson::dom::array names = value.get_array().value_unsafe();
  for (element name : names) add(name, pointer_to_item(where, i++));
  if (i == 0) fail(where, "the list of types is empty");
}

class compiler {
 public:
  std::unique_ptr<node> compile(element e, const std::string& where) {
    auto n = std::make_unique<node>();
    if (e.type() == element_type::BOOL) {
      n->never = !e.get_bool().value_unsafe();
      return n;
    }
    if (e.type() != element_type::OBJECT) fail(where, "a schema must be an object or a boolean");
    const simdjson::dom::object keywords = e.get_object().value_unsafe();
    for (auto [key, value] : keywords) {
      keyword(*n, key, value, pointer_to_member(where, key));
    }
    if (n->pattern && !n->max_length) {
      fail(where,
           "a \"pattern\" needs a \"maxLength\" (the regex must not run on unbounded input)");
    }
    return n;
  }

 private:
  void keyword(node& n, std::string_view key, element value, const std::string& where) {
    if (key == "$schema") {
      if (value.type() != element_type::STRING ||
          value.get_string().value_unsafe() != draft_2020_12) {
        fail(where, fmt::format("only \"{}\" is supported", draft_2020_12));
      }
    } else if (std::find(annotations.begin(), annotations.end(), key) != annotations.end()) {
      return;
    } else if (key == "type") {
      compile_type(n, value, where);
    } else if (key == "const") {
      n.const_value = literal_of(value, where);
    } else if (key == "enum") {
      enumeration(n, value, where);
    } else if (!bound(n, key, value, where) && !structure(n, key, value, where)) {
      fail(where, fmt::format("keyword \"{}\" is not supported by this validator", key));
    }
  }

  void enumeration(node& n, element value, const std::string& where) {
    if (value.type() != element_type::ARRAY) fail(where, "must be an array");
    n.enum_values.emplace();
    std::size_t i = 0;
    const simdjson::dom::array values = value.get_array().value_unsafe();
    for (element v : values) {
      n.enum_values->push_back(literal_of(v, pointer_to_item(where, i++)));
    }
    if (n.enum_values->empty()) fail(where, "must not be empty");
  }

  // Numeric and length bounds; false when `key` is not one of them.
  bool bound(node& n, std::string_view key, element value, const std::string& where) {
    if (key == "minimum") {
      n.minimum = number_of(value, where);
    } else if (key == "maximum") {
      n.maximum = number_of(value, where);
    } else if (key == "exclusiveMinimum") {
      n.exclusive_minimum = number_of(value, where);
    } else if (key == "exclusiveMaximum") {
      n.exclusive_maximum = number_of(value, where);
    } else if (key == "minLength") {
      n.min_length = count_of(value, where);
    } else if (key == "maxLength") {
      n.max_length = count_of(value, where);
    } else if (key == "minItems") {
      n.min_items = count_of(value, where);
    } else if (key == "maxItems") {
      n.max_items = count_of(value, where);
    } else if (key == "pattern") {
      pattern(n, value, where);
    } else {
      return false;
    }
    return true;
  }

  void pattern(node& n, element value, const std::string& where) {
    if (value.type() != element_type::STRING) fail(where, "must be a string");
    n.pattern_source = std::string(value.get_string().value_unsafe());
    try {
      n.pattern.emplace(n.pattern_source, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      fail(where, fmt::format("invalid regular expression: {}", e.what()));
    }
  }

  // Object and array keywords; false when `key` is not one of them.
  bool structure(node& n, std::string_view key, element value, const std::string& where) {
    if (key == "properties") {
      if (value.type() != element_type::OBJECT) fail(where, "must be an object");
      const simdjson::dom::object properties = value.get_object().value_unsafe();
      for (auto [name, sub] : properties) {
        const std::string at = pointer_to_member(where, name);
        if (!n.properties.emplace(std::string(name), compile(sub, at)).second) {
          fail(at, "property listed twice");
        }
      }
    } else if (key == "required") {
      required(n, value, where);
    } else if (key == "additionalProperties") {
      if (value.type() == element_type::BOOL) {
        n.additional_allowed = value.get_bool().value_unsafe();
      } else {
        n.additional_schema = compile(value, where);
      }
    } else if (key == "items") {
      n.items = compile(value, where);
    } else {
      return false;
    }
    return true;
  }

  void required(node& n, element value, const std::string& where) {
    if (value.type() != element_type::ARRAY) fail(where, "must be an array of strings");
    std::size_t i = 0;
    const simdjson::dom::array names = value.get_array().value_unsafe();
    for (element name : names) {
      const std::string at = pointer_to_item(where, i++);
      if (name.type() != element_type::STRING) fail(at, "must be a string");
      std::string s(name.get_string().value_unsafe());
      if (std::find(n.required.begin(), n.required.end(), s) != n.required.end()) {
        fail(at, "listed twice");
      }
      n.required.push_back(std::move(s));
    }
  }
};

}  // namespace

compiled_schema compiled_schema::compile(std::string_view text) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(text);
  element root;
  if (auto error = parser.parse(padded).get(root)) {
    fail("", fmt::format("invalid JSON: {}", simdjson::error_message(error)));
  }
  return compiled_schema(compiler().compile(root, ""));
}

}  // namespace odin::schema
