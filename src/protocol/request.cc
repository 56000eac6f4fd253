#include "protocol/request.h"

#include <fmt/format.h>

#include "protocol/request_reader.h"
#include "protocol/request_rules.h"

namespace odin::protocol {

result<request, request_error> parse_request(std::string_view text, const protocol_limits& limits) {
  thread_local request_reader reader;
  raw_request r;
  const simdjson::error_code e = reader.read(text, r);
  if (e) {
    // An id that was read before a syntax error is still echoed: it helps the client match.
    const std::string_view id = r.id.state == field_state::ok ? r.id.value : std::string_view();
    return request_error{error_code::invalid_json,
                         fmt::format("invalid JSON: {}", simdjson::error_message(e)),
                         std::string(id)};
  }
  return apply_rules(r, limits);
}

}  // namespace odin::protocol
