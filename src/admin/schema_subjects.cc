#include "admin/schema_subjects.h"

#include "admin/topic_spec.h"
#include "schema/catalog.h"

namespace odin::admin {

std::vector<schema_subject> odin_schema_subjects(const model::topic_map& topics) {
  std::vector<schema_subject> subjects;
  for (model::event_type t : model::all_event_types()) {
    subjects.push_back({topics.topic_of(t) + "-" + std::string(model::to_string(t)), "JSON",
                        schema::json_schema(t),
                        "schemas/" + std::string(schema::json_schema_file(t))});
  }
  subjects.push_back({std::string(market_telemetry_topic) + "-value", "AVRO",
                      schema::market_telemetry_avsc(), "schemas/market_telemetry.avsc"});
  return subjects;
}

}  // namespace odin::admin
