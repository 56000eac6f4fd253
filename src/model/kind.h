#pragma once
// The eight event kinds: one Kafka topic each, and the second half of a channel name.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace odin::model {

enum class kind : uint8_t {
  trade,
  liquidity,
  metadata,
  social,
  community,
  creation,
  analytics,
  balances,
};

inline constexpr std::size_t kind_count = 8;

inline constexpr std::array<kind, kind_count> all_kinds = {
    kind::trade,     kind::liquidity, kind::metadata,  kind::social,
    kind::community, kind::creation,  kind::analytics, kind::balances,
};

// "trade", "liquidity", ... as used in channel names.
std::string_view to_string(kind k);
std::optional<kind> parse_kind(std::string_view name);

// Default topic name of a kind ("odin.trades" ...) as in the migration plan (docs/plan.md).
std::string_view default_topic(kind k);

// Suffix of the KAFKA_TOPIC_* environment variable that overrides the topic ("TRADES" ...).
std::string_view topic_env_suffix(kind k);

inline constexpr std::size_t index(kind k) {
  return static_cast<std::size_t>(k);
}

}  // namespace odin::model
