#include "schema/event_schemas.h"

#include <stdexcept>
#include <string>

#include "schema/catalog.h"

namespace odin::schema {

event_schemas::event_schemas() {
  schemas_.reserve(model::event_type_count);
  for (model::event_type t : model::all_event_types()) {
    if (static_cast<std::size_t>(t) != schemas_.size()) {
      throw std::logic_error("model::all_event_types() is not in enum order");
    }
    const std::string file = "schemas/" + std::string(json_schema_file(t));
    const std::string_view text = json_schema(t);
    if (text.empty()) throw std::invalid_argument(file + " is missing from the build");
    try {
      schemas_.push_back(compiled_schema::compile(text));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(file + ": " + e.what());
    }
  }
}

}  // namespace odin::schema
