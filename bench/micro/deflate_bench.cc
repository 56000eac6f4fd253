// permessage-deflate of event frames (protocol::ws::deflater): once per frame per shard, with
// no context takeover. Envelopes of the realistic scenario's kinds (TRADING: trades, buys,
// sells, analytics, liquidity, price deltas) from the simulator, 256 of them in turn; the
// argument is the zlib level. Counters: envelope bytes and compressed/plain ratio.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "gateway/frame.h"
#include "protocol/ws_deflate.h"
#include "sim/event_factory.h"

namespace {

using odin::model::event_type;

std::vector<std::string> realistic_envelopes() {
  constexpr std::array types = {event_type::trade_executed,     event_type::buy_completed,
                                event_type::sell_completed,     event_type::analytics_recalculated,
                                event_type::liquidity_added,    event_type::liquidity_removed,
                                event_type::price_delta_updated};
  odin::sim::rng gen(7);
  std::vector<std::string> out;
  for (int i = 0; i < 256; ++i) {
    const event_type type = types[static_cast<std::size_t>(i) % types.size()];
    const std::string token = "T0" + std::to_string(100 + i);
    const std::string data = odin::sim::make_event(type, token, 1732280000123 + i, gen);
    odin::gateway::event_fields e;
    e.token = token;
    e.kind = odin::model::kind_of(type);
    e.seq = static_cast<uint64_t>(1000 + i);
    e.ts_us = 1732280000123456 + i;
    e.data = data;
    e.pos = {e.kind, 3, 1042 + i, 0x9f3a2b11};
    odin::gateway::frame_ref f(odin::gateway::render_event(e, 1));
    out.emplace_back(f->payload());
  }
  return out;
}

void BM_deflate_event_frame(benchmark::State& state) {
  const std::vector<std::string> envelopes = realistic_envelopes();
  odin::protocol::ws::deflater d(static_cast<int>(state.range(0)));
  std::string frame;
  std::size_t i = 0;
  for (auto _ : state) {
    frame.clear();
    d.compress_frame(envelopes[i++ % envelopes.size()], frame);
    benchmark::DoNotOptimize(frame.data());
  }
  state.SetItemsProcessed(state.iterations());
  double in = 0;
  double out = 0;
  for (const std::string& env : envelopes) {
    frame.clear();
    d.compress_frame(env, frame);
    in += static_cast<double>(env.size());
    out += static_cast<double>(frame.size());
  }
  state.counters["envelope_bytes"] = in / static_cast<double>(envelopes.size());
  state.counters["ratio"] = out / in;
}
BENCHMARK(BM_deflate_event_frame)->DenseRange(1, 6);

}  // namespace
