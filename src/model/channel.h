#pragma once
// A channel is "{TOKEN}.{kind}", e.g. "BTC.trade". Tokens are validated here, once, for
// every entry point (client subscriptions, publisher ingest, bus record keys).
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "model/kind.h"

namespace odin::model {

// A valid token id: 1..32 characters from [A-Za-z0-9_-]. Case-sensitive ("btc" != "BTC").
// The '.' is excluded because it separates token and kind in a channel name.
inline constexpr std::size_t max_token_length = 32;

enum class token_error : uint8_t { empty, too_long, bad_character };

std::string_view describe(token_error e);
result<void, token_error> validate_token(std::string_view token);

enum class channel_error : uint8_t {
  missing_separator,  // no '.' in the name
  invalid_token,      // the part before the last '.' is not a valid token
  unknown_kind,       // the part after the last '.' is not one of the 8 kinds
};

std::string_view describe(channel_error e);

struct channel {
  std::string token;
  model::kind kind;

  bool operator==(const channel&) const = default;
};

// Splits at the last '.'; the token must be valid and the kind known.
result<channel, channel_error> parse_channel(std::string_view name);

std::string format_channel(std::string_view token, model::kind k);
inline std::string format_channel(const channel& c) {
  return format_channel(c.token, c.kind);
}

}  // namespace odin::model
