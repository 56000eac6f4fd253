#pragma once
// The 23 event schemas, compiled once (at start-up) from the embedded schemas/*.json.
#include <vector>

#include "model/event_type.h"
#include "schema/compiled_schema.h"

namespace odin::schema {

class event_schemas {
 public:
  // Compiles every event type's schema. Throws std::invalid_argument naming the file when one
  // is missing or does not compile (a build with broken schemas must not start).
  event_schemas();

  const compiled_schema& of(model::event_type type) const {
    return schemas_[static_cast<std::size_t>(type)];
  }

 private:
  std::vector<compiled_schema> schemas_;  // indexed by event_type
};

}  // namespace odin::schema
