#include "model/channel.h"

namespace odin::model {
namespace {

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

std::string_view describe(token_error e) {
  switch (e) {
    case token_error::empty:
      return "token is empty";
    case token_error::too_long:
      return "token is longer than 32 characters";
    case token_error::bad_character:
      return "token may contain only A-Z, a-z, 0-9, '_' and '-'";
  }
  return "invalid token";
}

result<void, token_error> validate_token(std::string_view token) {
  if (token.empty()) return token_error::empty;
  if (token.size() > max_token_length) return token_error::too_long;
  for (char c : token) {
    if (!is_token_char(c)) return token_error::bad_character;
  }
  return success();
}

std::string_view describe(channel_error e) {
  switch (e) {
    case channel_error::missing_separator:
      return "channel must look like TOKEN.kind";
    case channel_error::invalid_token:
      return "channel token is invalid";
    case channel_error::unknown_kind:
      return "channel kind must be one of trade, liquidity, metadata, social, community, "
             "creation, analytics, balances";
  }
  return "invalid channel";
}

result<channel, channel_error> parse_channel(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return channel_error::missing_separator;
  const std::string_view token = name.substr(0, dot);
  if (!validate_token(token)) return channel_error::invalid_token;
  const auto k = parse_kind(name.substr(dot + 1));
  if (!k) return channel_error::unknown_kind;
  return channel{std::string(token), *k};
}

std::string format_channel(std::string_view token, model::kind k) {
  const std::string_view kind_name = to_string(k);
  std::string out;
  out.reserve(token.size() + 1 + kind_name.size());
  out.append(token).push_back('.');
  out.append(kind_name);
  return out;
}

}  // namespace odin::model
