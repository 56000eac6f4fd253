#pragma once
// The subjects `odin schemas register` pushes to a schema registry: one per event type under
// the TopicRecordNameStrategy ("odin.trades-TRADE_EXECUTED": several event types share a
// topic, so "<topic>-value" could hold only one of them) and market_telemetry.avsc under the
// TopicNameStrategy ("market-telemetry-value": one record type per topic). See README.md.
#include <string>
#include <string_view>
#include <vector>

#include "model/topic_map.h"

namespace odin::admin {

struct schema_subject {
  std::string subject;
  std::string schema_type;  // "JSON" or "AVRO"
  std::string_view schema;  // the embedded document (schema/catalog.h), static lifetime
  std::string source;       // "schemas/TRADE_EXECUTED.json"
};

// 23 event subjects (model::all_event_types order, topics from `topics`) + market-telemetry.
std::vector<schema_subject> odin_schema_subjects(const model::topic_map& topics);

}  // namespace odin::admin
