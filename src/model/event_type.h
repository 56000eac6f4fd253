#pragma once
// The 23 event types of the migration plan's EVENT_TYPE_TOPICS table, each owned by one kind.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "model/kind.h"

namespace odin::model {

enum class event_type : uint8_t {
  trade_executed,
  buy_completed,
  sell_completed,
  liquidity_added,
  liquidity_removed,
  liquidity_rebalanced,
  metadata_updated,
  token_name_changed,
  token_flags_changed,
  twitter_verified,
  social_links_updated,
  comment_posted,
  comment_pinned,
  comment_upvoted,
  favorite_toggled,
  token_created,
  token_listed,
  price_delta_updated,
  holder_count_updated,
  analytics_recalculated,
  trending_updated,
  balance_updated,
  transfer_completed,
};

inline constexpr std::size_t event_type_count = 23;

std::span<const event_type> all_event_types();

// "TRADE_EXECUTED" ... exactly as the plan (docs/plan.md) spells them.
std::string_view to_string(event_type t);
std::optional<event_type> parse_event_type(std::string_view name);

kind kind_of(event_type t);

}  // namespace odin::model
