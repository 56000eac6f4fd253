// Parsing a client's subscribe request (protocol::parse_request): the request path.
#include <benchmark/benchmark.h>

#include <string>

#include "protocol/client_protocol.h"

namespace {

void BM_parse_subscribe_bundle(benchmark::State& state) {
  const std::string text =
      R"({"type":"subscribe","bundle":"TRADING","tokens":["T0001","T0417","T0093","T0755","T0280"],"id":1})";
  const odin::protocol::protocol_limits limits;
  for (auto _ : state) {
    auto r = odin::protocol::parse_request(text, limits);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_parse_subscribe_bundle);

void BM_parse_subscribe_100_channels(benchmark::State& state) {
  std::string text = R"({"type":"subscribe","channels":[)";
  for (int i = 0; i < 100; ++i)
    text += (i ? ",\"T" : "\"T") + std::to_string(1000 + i) + ".trade\"";
  text += R"(],"id":"x-1"})";
  const odin::protocol::protocol_limits limits;
  for (auto _ : state) {
    auto r = odin::protocol::parse_request(text, limits);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_parse_subscribe_100_channels);

void BM_parse_ping(benchmark::State& state) {
  const std::string text = R"({"type":"ping","id":7})";
  const odin::protocol::protocol_limits limits;
  for (auto _ : state) {
    auto r = odin::protocol::parse_request(text, limits);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_parse_ping);

}  // namespace
