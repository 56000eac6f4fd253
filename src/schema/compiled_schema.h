#pragma once
// A JSON Schema (draft 2020-12) validator for the subset of keywords the event schemas use:
//   type (one name or a list; "integer" = a number without fraction), enum and const (of
//   scalars), minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength
//   (Unicode code points), pattern (ECMAScript regex, searched, compiled once), properties,
//   required, additionalProperties (boolean or schema), items, minItems, maxItems, and the
//   boolean schemas true / false. Annotations ($schema, $id, $comment, title, description,
//   examples, default, deprecated, readOnly, writeOnly, format) are accepted and ignored.
// Any other keyword is refused when compiling, so a schema can never silently mean more than
// it enforces. A pattern needs a maxLength next to it: the length is checked first, so the
// regex never runs on unbounded input (std::regex recurses per character).
//
// Compile once at start-up; validate() only walks the compiled tree (no parsing, no
// allocation unless there are violations). A compiled schema is immutable and may be used by
// any number of threads at once.
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace odin::schema {

namespace detail {
struct node;
}  // namespace detail

// One reason a value does not match: where (JSON Pointer into the validated document) and why.
struct violation {
  std::string pointer;
  std::string message;

  bool operator==(const violation&) const = default;
};

// At most this many violations are reported per validate call (the rest are not looked for).
inline constexpr std::size_t max_violations = 32;

// One member of an object assembled from parts (see validate_members).
struct member {
  std::string_view key;
  // The value; nullopt for a member the caller has already checked (it counts as present).
  std::optional<simdjson::dom::element> value;
  // The JSON Pointer of the object holding it in the caller's document ("" at the top level,
  // "/data" ...): the member's own pointer is rendered from it only for a violation.
  std::string_view parent;
};

class compiled_schema {
 public:
  // Parses and compiles a schema document. Throws std::invalid_argument ("<pointer into the
  // schema>: <reason>") for invalid JSON, a keyword outside the subset or a malformed value.
  static compiled_schema compile(std::string_view text);

  // Appends the violations of `value` to `out`, with pointers starting with `base`.
  // Returns true when there were none.
  bool validate(simdjson::dom::element value, std::vector<violation>& out,
                std::string_view base = {}) const;

  // Validates an object given as a list of members, for documents that are not one JSON
  // object in the input (the publisher's nested form: envelope fields plus a "data" object).
  // A required member that is missing is reported at `missing_prefix` + "/" + its name.
  // The root schema must describe an object.
  bool validate_members(std::span<const member> members, std::string_view missing_prefix,
                        std::vector<violation>& out) const;

  // Whether the root schema names `key` under "properties" (the publisher tells declared
  // fields from additive ones with it).
  bool declares(std::string_view key) const;

 private:
  explicit compiled_schema(std::shared_ptr<const detail::node> root) : root_(std::move(root)) {}
  std::shared_ptr<const detail::node> root_;
};

}  // namespace odin::schema
