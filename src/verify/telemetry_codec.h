#pragma once
// market-telemetry records in the Confluent wire format: magic byte 0, the schema id as a
// 4-byte big-endian integer, then the Avro binary encoding of schemas/market_telemetry.avsc
// (embedded at build time, src/schema). Encoding and decoding go through Avro C (libavro):
// a record is valid when the library decodes it with the schema and nothing is left over,
// and its strings are UTF-8.
//
// Not thread-safe: one codec per thread (each holds its own Avro value and buffers).
// Construction throws std::invalid_argument when the schema does not parse (start-up only).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "verify/telemetry_point.h"

struct avro_obj_t;
struct avro_value_iface;
struct avro_value;
struct avro_reader_t_;
struct avro_writer_t_;

namespace odin::verify {

inline constexpr std::size_t wire_header_bytes = 5;

class telemetry_codec {
 public:
  explicit telemetry_codec(std::string_view avsc);  // the schema's JSON text
  telemetry_codec();                                // the embedded market_telemetry.avsc
  ~telemetry_codec();
  telemetry_codec(const telemetry_codec&) = delete;
  telemetry_codec& operator=(const telemetry_codec&) = delete;

  // Replaces `out` with the wire form of `p`. False only if Avro refuses a value (never for
  // a point of this schema; reported as a produce failure).
  bool encode(const telemetry_point& p, int32_t schema_id, std::string& out);

  // Checks the header (magic 0, `schema_id`), decodes the body, refuses trailing bytes and
  // strings that are not UTF-8.
  result<telemetry_point, invalid_reason> decode(std::string_view wire, int32_t schema_id);

  // The record's field names, in schema order (the JSON form uses the same names).
  const std::vector<std::string>& field_names() const { return fields_; }

 private:
  result<telemetry_point, invalid_reason> read_point();
  bool write_point(const telemetry_point& p);

  avro_obj_t* schema_ = nullptr;
  avro_value_iface* iface_ = nullptr;
  avro_value* value_ = nullptr;  // the generic value reused for every record
  avro_reader_t_* reader_ = nullptr;
  avro_writer_t_* writer_ = nullptr;
  std::vector<std::string> fields_;
  std::string body_;  // encode scratch
};

}  // namespace odin::verify
