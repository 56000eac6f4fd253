#include "verify/registry_id.h"

#include <fmt/format.h>

#include "schema/catalog.h"

namespace odin::verify {

std::string value_subject(const std::string& topic) {
  return topic + "-value";
}

verify_result<int32_t> registered_schema_id(admin::registry_client& client,
                                            const std::string& topic) {
  const admin::schema_subject subject{value_subject(topic), "AVRO", schema::market_telemetry_avsc(),
                                      "schemas/market_telemetry.avsc"};
  auto answer = client.lookup(subject);
  if (!answer) return verify_error{answer.error().message};
  if (answer.value().found) return static_cast<int32_t>(answer.value().found->id);
  return verify_error{fmt::format(
      "schema registry {}: {} does not hold schemas/market_telemetry.avsc ({}) — register it "
      "with `odin schemas register --registry {}`",
      client.url().text, subject.subject,
      answer.value().subject_exists ? "the subject has other schemas" : "no such subject",
      client.url().text)};
}

}  // namespace odin::verify
