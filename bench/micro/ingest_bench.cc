// The publisher's ingest hot path (publisher::ingest::prepare): parse a POST /events body,
// check every event against its schema, render each record value. Item = one event.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include <simdjson.h>

#include "ingest/bodies.h"
#include "publisher/ingest.h"
#include "schema/event_schemas.h"

namespace {

const odin::schema::event_schemas& schemas() {
  static const odin::schema::event_schemas s;
  return s;
}

void run_prepare(benchmark::State& state, bool event_ids) {
  const int batch = static_cast<int>(state.range(0));
  std::vector<std::string> bodies;
  for (int v = 0; v < 8; ++v)
    bodies.push_back(odin::bench::make_events_body(batch, 1000, v, event_ids));
  const odin::publisher::ingest ingest(schemas(), 1000);
  simdjson::dom::parser parser;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& body = bodies[i++ % bodies.size()];
    auto r = ingest.prepare(body, 1732280000123, parser);
    if (!r) state.SkipWithError("a body was refused");
    bytes += body.size();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_ingest_prepare(benchmark::State& state) {
  run_prepare(state, false);
}
BENCHMARK(BM_ingest_prepare)->Arg(1)->Arg(100)->Arg(1000);

void BM_ingest_prepare_event_ids(benchmark::State& state) {
  run_prepare(state, true);
}
BENCHMARK(BM_ingest_prepare_event_ids)->Arg(1000);

}  // namespace
