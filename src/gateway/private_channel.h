#pragma once
// Private channels (issue 9): a `balances` event reaches only the user it names (`userId`, the
// frame's owner) and admins. The shard's subscription index keys a user's subscription of
// "BTC.balances" as "BTC.balances\x1f<sub>" and an admin's (or, with WS_PUBLIC_BALANCES, an
// anonymous client's) as the plain channel, so delivery is two index lookups per private frame
// and nothing at all per public frame or per delivery.
#include <string>
#include <string_view>

namespace odin::gateway {

inline constexpr std::string_view private_suffix = ".balances";
inline constexpr char user_separator = '\x1f';  // a control character: never in a channel name

inline bool is_private_channel(std::string_view channel) {
  return channel.ends_with(private_suffix);
}

// "<channel>\x1f<user>" into `out` (reused buffer); returns it.
inline std::string_view user_key(std::string& out, std::string_view channel,
                                 std::string_view user) {
  out.assign(channel);
  out += user_separator;
  out += user;
  return out;
}

}  // namespace odin::gateway
