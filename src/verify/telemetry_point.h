#pragma once
// One market-telemetry data point (schemas/market_telemetry.avsc) and why a consumed record
// was not one: the values `odin verify` produces, decodes and counts.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace odin::verify {

struct telemetry_point {
  std::string symbol;  // also the record key
  double price = 0;
  double volume = 0;
  std::optional<double> bid;
  std::optional<double> ask;
  std::string source;
  int64_t event_time_ms = 0;  // timestamp-millis, UTC

  bool operator==(const telemetry_point&) const = default;
};

// Why a consumed record does not match the schema (counted per reason in the report).
enum class invalid_reason : uint8_t {
  bad_magic,        // Avro: shorter than the 5-byte Confluent header, or magic byte not 0
  wrong_schema_id,  // Avro: the header names another schema id than the one verified
  undecodable,     // Avro: the body does not decode with the schema (truncated, bad union index…)
  trailing_bytes,  // Avro: bytes left after the record
  bad_utf8,        // a string field is not UTF-8
  not_json,        // JSON form: not a JSON object
  json_mismatch,   // JSON form: a field missing, of the wrong type, or not in the schema
  key_mismatch,    // the record key is not the record's symbol
};
inline constexpr int invalid_reason_count = 8;

std::string_view name_of(invalid_reason r);

// RFC 3629 UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view text);

}  // namespace odin::verify
