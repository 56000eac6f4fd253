#pragma once
// Stage 1 of parse_request (protocol/request.h): one pass over a client message with simdjson
// On-Demand. The known fields are captured as views into the reader's buffers, every other value
// is walked and validated, so a document is accepted exactly when it is valid JSON (the fuzzer,
// fuzz/fuzz_client_protocol.cc, checks this against simdjson's DOM parser). The protocol rules
// on the captured fields are stage 2 (protocol/request_rules.h). Internal to src/protocol.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace odin::protocol {

enum class field_state : uint8_t { absent, ok, wrong_type };

struct string_field {
  field_state state = field_state::absent;
  std::string_view value;
};

struct list_field {
  field_state state = field_state::absent;
  std::vector<std::string_view> items;
};

struct since_field {
  field_state state = field_state::absent;
  std::vector<std::pair<std::string_view, std::string_view>> items;  // channel, position
};

struct bool_field {
  field_state state = field_state::absent;
  bool value = false;
};

// The fields of one request as read, before any protocol rule. Views into the reader's buffer:
// valid until its next read(). A repeated field replaces the earlier one (the last occurrence
// wins, as in JavaScript).
struct raw_request {
  bool is_object = false;
  since_field since;
  bool_field snapshot;
  string_field mode;
  string_field token;  // auth
  string_field id;     // raw JSON text of the id (a string or a number), echoed byte for byte
  string_field type;
  string_field bundle;
  list_field tokens;
  list_field channels;
};

// One per thread (parse_request keeps a thread_local one): it owns the parsers and the padded
// copy of the message.
class request_reader {
 public:
  request_reader();

  // Reads `text` into `r`; an error means the text is not valid JSON (or nests deeper than
  // max_json_depth). A top level that is not an object leaves r.is_object false.
  simdjson::error_code read(std::string_view text, raw_request& r);

 private:
  simdjson::error_code validate_non_object(std::size_t size);

  simdjson::ondemand::parser parser_;
  simdjson::dom::parser dom_;  // allocated on first use only
  std::string buffer_;         // the message copied with SIMDJSON_PADDING zero bytes after it
};

}  // namespace odin::protocol
