#pragma once
// The event schemas (schemas/*.json, JSON Schema draft 2020-12) and the Phase-1 Avro schema
// (schemas/market_telemetry.avsc), embedded into the binary at build time so that `odin`
// needs no files at run time. The files in schemas/ are the source of truth.
#include <string_view>

#include "model/event_type.h"

namespace odin::schema {

// The JSON Schema document of one event type (its "data" part plus type/tokenId/timestamp).
// Empty when schemas/ has no file for the type (event_schemas refuses to start then).
std::string_view json_schema(model::event_type type);

// File name in schemas/ ("TRADE_EXECUTED.json").
std::string_view json_schema_file(model::event_type type);

// schemas/market_telemetry.avsc (empty when the file is missing).
std::string_view market_telemetry_avsc();

// Name of the Avro file in schemas/.
inline constexpr std::string_view market_telemetry_avsc_file = "market_telemetry.avsc";

}  // namespace odin::schema
