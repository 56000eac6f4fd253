#pragma once
// POST /events bodies for the ingest load tool and the micro-benchmarks: `batch`
// TRADE_EXECUTED events (a single object when batch is 1), flat and nested forms alternating,
// tokens T0 … T<tokens-1>, `variant` shifts prices and tokens; `event_ids` adds a unique
// "eventId" to each (the idempotency path).
#include <string>

namespace odin::bench {

inline std::string make_events_body(int batch, int tokens, int variant, bool event_ids = false) {
  std::string out = batch == 1 ? "" : "[";
  for (int i = 0; i < batch; ++i) {
    if (i > 0) out += ',';
    const int token = (variant * 7919 + i * 104729) % tokens;
    std::string head = R"({"type":"TRADE_EXECUTED","tokenId":"T)" + std::to_string(token) + '"';
    if (event_ids)
      head += R"(,"eventId":"e-)" + std::to_string(variant) + "-" + std::to_string(i) + '"';
    const std::string price =
        std::to_string(100 + (variant + i) % 900) + "." + std::to_string((variant * 31 + i) % 100);
    const std::string fields = R"("price":)" + price + R"(,"volume":)" +
                               std::to_string(1 + i % 50) + R"(,"side":")" +
                               ((i & 1) ? "buy" : "sell") + R"(","amount":1)";
    if ((i + variant) % 2 == 0) {
      out += head + "," + fields + "}";
    } else {
      out += head + R"(,"timestamp":1732280000123,"data":{)" + fields + "}}";
    }
  }
  if (batch != 1) out += "]";
  return out;
}

}  // namespace odin::bench
