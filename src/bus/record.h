#pragma once
// What flows over the bus: a record read by a consumer, and the error values of both sides.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

#include "common/clock.h"
#include "model/kind.h"

namespace odin::bus {

// A record as handed to a consumer's sink. The views are valid only during the sink call.
struct record {
  model::kind kind;  // from the topic (topic_map)
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;  // the bus timestamp (Kafka CreateTime), ms since the epoch
  int64_t ingest_us = 0;     // when the record entered the bus, µs since the epoch (see below)
  std::string_view key;      // token id
  std::string_view value;    // the event JSON, verbatim
  // The "odin-idempotency-key" Kafka header (opaque; empty when absent or on the memory bus):
  // the gateway drops a repeat of a key it forwarded within its window (per topic).
  std::string_view idempotency_key = {};
};

// Kafka carries ingest_us in the record header "odin-ingest-us" (decimal text), set by
// odin's producers right before produce(); records from other producers fall back to
// timestamp_ms * 1000.
inline constexpr std::string_view ingest_header = "odin-ingest-us";
inline constexpr std::string_view idempotency_header = "odin-idempotency-key";

using record_sink = std::function<void(const record&)>;

enum class bus_error : uint8_t {
  timed_out,          // the bus did not acknowledge within the delivery timeout
  queue_full,         // the local produce queue stayed full
  transport,          // brokers unreachable / connection failure
  unknown_topic,      // a topic does not exist on the brokers
  message_too_large,  // the broker refused the size
  closed,             // the bus is shutting down
  internal,           // anything else (the log line has details)
};

std::string_view describe(bus_error e);

// Coordinates the bus assigned to a produced record.
struct delivery {
  int32_t partition = 0;
  int64_t offset = 0;
};

// Microseconds since the epoch on the system clock (what ingest_us holds): common/clock.h,
// re-exported for the bus's callers.
using odin::now_us;

}  // namespace odin::bus
