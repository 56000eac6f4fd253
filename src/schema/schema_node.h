#pragma once
// The compiled form of a schema (internal to src/schema): one node per (sub)schema.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace odin::schema::detail {

// Bits of node::types.
enum type_bit : uint8_t {
  null_type = 1,
  boolean_type = 2,
  object_type = 4,
  array_type = 8,
  number_type = 16,
  integer_type = 32,
  string_type = 64,
};

// A scalar value of const / enum.
struct literal {
  enum class tag : uint8_t { null, boolean, number, string } t = tag::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::string json;  // how it is written in messages
};

struct node {
  bool never = false;      // the schema `false`: nothing matches
  uint8_t types = 0;       // 0: any type
  std::string type_names;  // "number", "string or null" ... for messages

  std::optional<literal> const_value;
  std::optional<std::vector<literal>> enum_values;

  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;

  std::optional<std::size_t> min_length, max_length;
  std::optional<std::regex> pattern;
  std::string pattern_source;

  std::map<std::string, std::unique_ptr<node>, std::less<>> properties;
  std::vector<std::string> required;
  bool additional_allowed = true;           // additionalProperties: false → false
  std::unique_ptr<node> additional_schema;  // additionalProperties: {schema}

  std::unique_ptr<node> items;
  std::optional<std::size_t> min_items, max_items;
};

}  // namespace odin::schema::detail
