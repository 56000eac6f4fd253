#pragma once
// Subscription bundles: named sets of kinds (TRADING = trade, liquidity, analytics ...).
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "model/kind.h"

namespace odin::model {

// A set of kinds as a bit mask (bit i = kind with index i).
class kind_set {
 public:
  constexpr kind_set() = default;
  constexpr kind_set(std::initializer_list<kind> kinds) {
    for (kind k : kinds) insert(k);
  }
  constexpr void insert(kind k) { bits_ |= bit(k); }
  constexpr bool contains(kind k) const { return (bits_ & bit(k)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr uint8_t bits() const { return bits_; }
  constexpr bool operator==(const kind_set&) const = default;

 private:
  static constexpr uint8_t bit(kind k) { return static_cast<uint8_t>(1u << index(k)); }
  uint8_t bits_ = 0;
};

enum class bundle : uint8_t { trading, full_market, community, portfolio, price_only, all };

inline constexpr std::size_t bundle_count = 6;

std::span<const bundle> all_bundles();
std::string_view to_string(bundle b);  // "TRADING" ...
std::optional<bundle> parse_bundle(std::string_view name);

// The kinds of a bundle, in docs/plan.md's order (e.g. TRADING: trade, liquidity, analytics).
std::span<const kind> kinds_of(bundle b);
kind_set kind_set_of(bundle b);

}  // namespace odin::model
