#include "protocol/error_code.h"

#include <iterator>

namespace odin::protocol {

std::string_view to_string(error_code c) {
  static constexpr std::string_view names[] = {
      "invalid_json",           "invalid_request", "unknown_type",
      "unknown_bundle",         "invalid_channel", "unknown_kind",
      "invalid_token",          "empty_tokens",    "too_many_tokens",
      "too_many_subscriptions", "not_subscribed",  "invalid_position",
      "unauthorized",           "forbidden",
  };
  const auto i = static_cast<std::size_t>(c);
  return i < std::size(names) ? names[i] : "invalid_request";
}

}  // namespace odin::protocol
