#pragma once
// Which event types the simulator draws, and how often. docs/plan.md's weights (trades 3x,
// analytics 2x, liquidity / metadata / comments 1x) are kept per kind and extended so that
// all eight kinds appear; see src/sim/README.md for the table.
#include <span>

#include "model/event_type.h"
#include "sim/event_factory.h"

namespace odin::sim {

struct weighted_type {
  model::event_type type;
  unsigned weight;
};

std::span<const weighted_type> event_mix();
unsigned event_mix_total_weight();

// Draws one type with probability weight / total.
model::event_type pick_event_type(rng& gen);

}  // namespace odin::sim
