#pragma once
// Stream positions: the "pos" of every event frame and the values of "since" (docs/protocol.md
// §6.1). A position names a record's place in the bus — kind (topic), partition, offset — plus
// a 32-bit check value of the record itself (its key, bus timestamp and value). The check value
// is the epoch: the same record has the same position on every gateway instance reading the
// same cluster, and a recreated topic or a reset embedded log, where that offset holds another
// record (or none), is detected when the position is used. Clients treat it as opaque.
//
// Text form: "<kind>:<partition>:<offset>:<check, 8 lowercase hex digits>", e.g.
// "trade:3:1042:9f3a2b11". Pure functions, no allocation on the render path.
#include <cstdint>
#include <optional>
#include <string_view>

#include "model/kind.h"

namespace odin::protocol {

struct stream_position {
  model::kind kind = model::kind::trade;
  int32_t partition = 0;
  int64_t offset = 0;
  uint32_t check = 0;

  bool operator==(const stream_position&) const = default;
};

// Longest text form: kind (9) + 3 separators + partition (10) + offset (19) + check (8).
inline constexpr std::size_t max_position_size = 52;

// The check value of a record: FNV-1a over its key, bus timestamp (ms) and value.
uint32_t record_check(std::string_view key, int64_t timestamp_ms, std::string_view value);

// Writes the text form into `out` (at least max_position_size bytes); returns its size.
std::size_t write_position(const stream_position& p, char* out);

// Parses the text form exactly as write_position writes it (no signs, no leading zeros, no
// spaces); nullopt for anything else.
std::optional<stream_position> parse_position(std::string_view text);

}  // namespace odin::protocol
