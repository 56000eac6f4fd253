#pragma once
// The schema id a Confluent-compatible registry gave schemas/market_telemetry.avsc under the
// TopicNameStrategy subject "<topic>-value" (what `odin schemas register` registers for
// market-telemetry), looked up with src/admin's registry client — never registered from here.
#include <string>

#include "admin/registry_client.h"
#include "verify/verify_error.h"

namespace odin::verify {

std::string value_subject(const std::string& topic);  // "market-telemetry-value"

verify_result<int32_t> registered_schema_id(admin::registry_client& client,
                                            const std::string& topic);

}  // namespace odin::verify
