#include "sim/event_mix.h"

#include <array>

namespace odin::sim {
namespace {

using model::event_type;

// Per kind, twice the plan's (docs/plan.md) weights (trade 6, analytics 4, liquidity 2, metadata 2,
// community 2) plus the kinds the plan's simulator never produced (social 1, creation 1,
// balances 2). Total 20.
constexpr std::array<weighted_type, 12> mix = {{
    {event_type::trade_executed, 4},
    {event_type::buy_completed, 1},
    {event_type::sell_completed, 1},
    {event_type::analytics_recalculated, 3},
    {event_type::price_delta_updated, 1},
    {event_type::liquidity_added, 1},
    {event_type::liquidity_removed, 1},
    {event_type::metadata_updated, 2},
    {event_type::comment_posted, 2},
    {event_type::twitter_verified, 1},
    {event_type::token_created, 1},
    {event_type::balance_updated, 2},
}};

constexpr unsigned total() {
  unsigned sum = 0;
  for (const auto& w : mix) sum += w.weight;
  return sum;
}

}  // namespace

std::span<const weighted_type> event_mix() {
  return mix;
}

unsigned event_mix_total_weight() {
  return total();
}

event_type pick_event_type(rng& gen) {
  auto draw = static_cast<unsigned>(gen() % total());  // bias below 20 / 2^64
  for (const auto& w : mix) {
    if (draw < w.weight) return w.type;
    draw -= w.weight;
  }
  return mix.back().type;  // unreachable: draw < total()
}

}  // namespace odin::sim
