#pragma once
// What `odin verify` is asked to do (src/app/cmd_verify.cc fills it from flags).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace odin::verify {

enum class payload_format : uint8_t { avro, json };

// The Phase-1 acceptance criteria (the document's table), each changeable by a flag.
struct thresholds {
  double max_avg_ms = 50;           // P2C latency, average
  double max_p99_ms = 100;          // P2C latency, 99th percentile
  double min_throughput = 100'000;  // sustained msg/s, producer to consumer
};

struct options {
  std::string topic = "market-telemetry";
  payload_format format = payload_format::avro;
  double rate = 0;                             // target msg/s; 0 = flat out
  std::chrono::milliseconds duration{20'000};  // production time (when count == 0)
  uint64_t count = 0;                          // records to produce; 0 = by duration
  int32_t schema_id = 0;                       // the Confluent header's id (Avro)
  int symbols = 64;                            // keys VRFY-00.. spread over partitions
  std::chrono::milliseconds drain{5'000};      // wait for the last records after producing
  std::chrono::milliseconds timeout{10'000};   // metadata, offsets, the priming round trip
  thresholds limits;
  // Tests: called once the consumer is assigned and primed, right before producing starts.
  std::function<void()> on_ready;
  // Progress (every second while producing): produced and consumed so far.
  std::function<void(uint64_t produced, uint64_t consumed)> on_progress;
};

}  // namespace odin::verify
