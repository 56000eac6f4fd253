#pragma once
// What the gateway lets through to clients: docs/protocol.md §6 promises that `data` is an
// event object — `type` one of the 23 event types, `tokenId` the token of the channel,
// `timestamp` a number. A bus record is forwarded only when its value is such an object, its
// `type` belongs to the record's topic (kind) and its `tokenId` equals the record key (a valid
// token); and, when it carries an idempotency key (`odin-idempotency-key` header), only the
// first record with that key on its topic within the duplicate window. Everything else —
// whatever a foreign producer writes to our topics — is dropped with a reason, never
// delivered, never fatal.
//
// The value is parsed once (simdjson DOM, into a reused padded buffer: no allocation once the
// buffers have grown to the largest record). Dispatcher thread only.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "bus/record.h"
#include "gateway/duplicate_window.h"

namespace odin::gateway {

enum class drop_reason : uint8_t {
  invalid_key,    // the record key is not a token id
  not_json,       // the value is not JSON
  not_object,     // valid JSON, not an object
  unknown_type,   // no string `type`, or not one of the 23 event types
  wrong_topic,    // an event type of another topic
  key_mismatch,   // `tokenId` missing, not a string, or not the record key
  bad_timestamp,  // `timestamp` missing or not a number
  duplicate,      // idempotency key already forwarded within the window
};
inline constexpr std::size_t drop_reason_count = 8;
inline constexpr std::array<const char*, drop_reason_count> drop_reason_names = {
    "invalid_key", "not_json",     "not_object",    "unknown_type",
    "wrong_topic", "key_mismatch", "bad_timestamp", "duplicate"};

class record_filter {
 public:
  record_filter(std::chrono::milliseconds duplicate_window, std::size_t max_keys)
      : duplicates_(duplicate_window, max_keys) {}

  // nullopt: forward the record; else why it is dropped. `now` times the duplicate window.
  std::optional<drop_reason> check(const bus::record& r, duplicate_window::clock::time_point now);

  // The event checks alone (no duplicate window): what a replayed record must pass too.
  std::optional<drop_reason> check_event(const bus::record& r);

  // After a check that passed: the `userId` of a balances event (its owner: only that user and
  // admins receive it), "" for every other kind and for a balances event without a usable
  // userId (a string of 1..max_owner_bytes bytes; then admins only). Read from the parse the
  // check already did; valid until the next check.
  std::string_view owner() const { return owner_; }
  static constexpr std::size_t max_owner_bytes = 256;

  const duplicate_window& duplicates() const { return duplicates_; }

 private:
  simdjson::dom::parser parser_;
  std::vector<char> buffer_;
  std::string_view owner_;
  duplicate_window duplicates_;
};

}  // namespace odin::gateway
