#pragma once
// The replies of the client protocol (docs/protocol.md §5), as compact JSON: subscribed,
// unsubscribed, pong, authenticated, error. Strings are escaped by common/json_escape.h.
// `id_json` is echoed as "id" when not empty; it must be JSON text (as produced by
// parse_request, protocol/request.h) and is copied verbatim.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/error_code.h"
#include "protocol/request.h"

namespace odin::protocol {

std::string render_subscribed(const std::vector<std::string>& channels, std::string_view id_json);
// With "recovered": {"<channel>": true|false, ...} for the channels of a "since" (in order).
std::string render_subscribed(const std::vector<std::string>& channels, std::string_view id_json,
                              const std::vector<std::pair<std::string, bool>>& recovered);
std::string render_unsubscribed(const std::vector<std::string>& channels, std::string_view id_json);
std::string render_pong(std::string_view id_json);
// {"type":"authenticated","exp":<exp>,"id":...}: the reply to a successful `auth`.
std::string render_authenticated(int64_t exp, std::string_view id_json);
std::string render_error(error_code code, std::string_view message, std::string_view id_json);
inline std::string render_error(const request_error& e) {
  return render_error(e.code, e.message, e.id_json);
}

}  // namespace odin::protocol
