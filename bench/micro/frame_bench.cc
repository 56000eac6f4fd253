// Rendering an event frame (gateway::render_event): done once per bus record, whatever the
// number of subscribers.
#include <benchmark/benchmark.h>

#include <string>

#include "gateway/frame.h"
#include "sim/event_factory.h"

namespace {

void BM_render_event_frame(benchmark::State& state) {
  odin::sim::rng gen(1);
  const std::string data =
      odin::sim::make_event(odin::model::event_type::trade_executed, "T0417", 1732280000123, gen);
  odin::gateway::event_fields e;
  e.token = "T0417";
  e.kind = odin::model::kind::trade;
  e.ts_us = 1732280000123456;
  e.data = data;
  uint64_t seq = 1;
  for (auto _ : state) {
    e.seq = seq++;
    odin::gateway::frame_ref f(odin::gateway::render_event(e, 1));
    benchmark::DoNotOptimize(f.get());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["frame_bytes"] =
      static_cast<double>(odin::gateway::frame_ref(odin::gateway::render_event(e, 1))->size());
}
BENCHMARK(BM_render_event_frame);

}  // namespace
