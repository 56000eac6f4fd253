#pragma once
// POST /events bodies → records for the bus. A body is one event (a JSON object) or an array
// of up to max_batch events, each in one of two forms:
//   nested: {"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":1732280000123,"data":{...}}
//   flat (the plan's (docs/plan.md)): {"type":"TRADE_EXECUTED","tokenId":"BTC","price":42.5,...}
// "timestamp" (ms since the epoch) is optional in both; the time of receipt replaces it.
// Each event is checked: a known type, a valid token id (model::validate_token), its fields
// against the type's schema (schemas/<TYPE>.json), no field given twice. One invalid event
// refuses the whole body. A field the schema does not declare (an additive field of a newer
// backend) is passed through and listed in prepared_event::unknown_fields — or, with
// `strict` (PUBLISHER_STRICT_SCHEMAS), refused. The record value is the plan's flat shape, compact
// JSON:
//   {"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":1732280000123,"price":42.5,...}
// with the fields in the order they were given (numbers in shortest round-trip form).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "common/result.h"
#include "model/event_type.h"
#include "schema/compiled_schema.h"
#include "schema/event_schemas.h"

namespace odin::publisher {

struct prepared_event {
  model::event_type type;
  std::string token;  // the record key
  std::string value;  // the record value
  // Fields the type's schema does not declare, passed through (never with `strict`).
  std::vector<std::string> unknown_fields;
  // "eventId" (optional, top level in both forms): the event's own idempotency key. It is
  // not part of the record value; it travels in the record header odin-idempotency-key.
  std::string event_id;
  // The value of the record header odin-idempotency-key (set by the connection): the eventId,
  // else "<Idempotency-Key>/<index in the request>", else empty (no header).
  std::string idempotency_header;
};

inline constexpr std::size_t max_event_id_bytes = 255;

// The violations of one event of the body; pointers are relative to the event
// ("/data/price" in the nested form, "/price" in the flat one).
struct event_errors {
  std::size_t index = 0;  // position in the array (0 for a single event)
  std::vector<schema::violation> errors;
};

// Invalid events listed in an answer at most (the count says how many there were).
inline constexpr std::size_t max_listed_events = 100;

// Why a body was refused.
struct ingest_error {
  int status = 400;  // 400, or 413 for batch_too_large
  std::string code;  // invalid_json, invalid_body, empty_batch, batch_too_large, invalid_events
  std::string message;
  std::vector<event_errors> events;  // invalid_events: the first max_listed_events
  std::size_t invalid_count = 0;     // invalid_events: how many events were invalid
};

class ingest {
 public:
  // `schemas` must outlive this.
  ingest(const schema::event_schemas& schemas, std::size_t max_batch, bool strict = false)
      : schemas_(schemas), max_batch_(max_batch), strict_(strict) {}

  // Parses and checks a body with the caller's parser (one per thread; the result does not
  // refer to it). `now_ms` is the timestamp of events that have none.
  result<std::vector<prepared_event>, ingest_error> prepare(std::string_view body, int64_t now_ms,
                                                            simdjson::dom::parser& parser) const;

  // One event (exposed for tests). Appends its violations to `errors`; returns true and
  // fills `out` when there are none.
  bool prepare_event(simdjson::dom::element event, int64_t now_ms, prepared_event& out,
                     std::vector<schema::violation>& errors) const;

 private:
  const schema::event_schemas& schemas_;
  std::size_t max_batch_;
  bool strict_;
};

}  // namespace odin::publisher
