#include "model/event_type.h"

#include <array>

namespace odin::model {
namespace {

struct type_info {
  event_type type;
  std::string_view name;
  kind owner;
};

constexpr std::array<type_info, event_type_count> infos = {{
    {event_type::trade_executed, "TRADE_EXECUTED", kind::trade},
    {event_type::buy_completed, "BUY_COMPLETED", kind::trade},
    {event_type::sell_completed, "SELL_COMPLETED", kind::trade},
    {event_type::liquidity_added, "LIQUIDITY_ADDED", kind::liquidity},
    {event_type::liquidity_removed, "LIQUIDITY_REMOVED", kind::liquidity},
    {event_type::liquidity_rebalanced, "LIQUIDITY_REBALANCED", kind::liquidity},
    {event_type::metadata_updated, "METADATA_UPDATED", kind::metadata},
    {event_type::token_name_changed, "TOKEN_NAME_CHANGED", kind::metadata},
    {event_type::token_flags_changed, "TOKEN_FLAGS_CHANGED", kind::metadata},
    {event_type::twitter_verified, "TWITTER_VERIFIED", kind::social},
    {event_type::social_links_updated, "SOCIAL_LINKS_UPDATED", kind::social},
    {event_type::comment_posted, "COMMENT_POSTED", kind::community},
    {event_type::comment_pinned, "COMMENT_PINNED", kind::community},
    {event_type::comment_upvoted, "COMMENT_UPVOTED", kind::community},
    {event_type::favorite_toggled, "FAVORITE_TOGGLED", kind::community},
    {event_type::token_created, "TOKEN_CREATED", kind::creation},
    {event_type::token_listed, "TOKEN_LISTED", kind::creation},
    {event_type::price_delta_updated, "PRICE_DELTA_UPDATED", kind::analytics},
    {event_type::holder_count_updated, "HOLDER_COUNT_UPDATED", kind::analytics},
    {event_type::analytics_recalculated, "ANALYTICS_RECALCULATED", kind::analytics},
    {event_type::trending_updated, "TRENDING_UPDATED", kind::analytics},
    {event_type::balance_updated, "BALANCE_UPDATED", kind::balances},
    {event_type::transfer_completed, "TRANSFER_COMPLETED", kind::balances},
}};

constexpr std::array<event_type, event_type_count> make_all() {
  std::array<event_type, event_type_count> all{};
  for (std::size_t i = 0; i < event_type_count; ++i) all[i] = infos[i].type;
  return all;
}
constexpr std::array<event_type, event_type_count> all_types = make_all();

const type_info& info(event_type t) {
  return infos[static_cast<std::size_t>(t)];
}

}  // namespace

std::span<const event_type> all_event_types() {
  return all_types;
}
std::string_view to_string(event_type t) {
  return info(t).name;
}
kind kind_of(event_type t) {
  return info(t).owner;
}

std::optional<event_type> parse_event_type(std::string_view name) {
  for (const type_info& i : infos) {
    if (i.name == name) return i.type;
  }
  return std::nullopt;
}

}  // namespace odin::model
