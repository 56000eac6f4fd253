#pragma once
// The outcome of a run, judged against the Phase-1 thresholds, as text for the terminal and
// as JSON for --report. PASS needs every check: avg and p99 P2C latency below their limits,
// sustained msg/s at or above its limit, and no record lost, duplicated, invalid or refused
// by the brokers.
#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "verify/options.h"
#include "verify/run_stats.h"

namespace odin::verify {

struct run_result {
  std::string brokers;
  std::string topic;
  payload_format format = payload_format::avro;
  int32_t schema_id = 0;
  std::string schema_id_source;  // "registry http://… subject market-telemetry-value", …
  int partitions = 0;
  double target_rate = 0;  // 0 = flat out
  uint64_t produced = 0;
  uint64_t acked = 0;
  uint64_t produce_failed = 0;
  std::string produce_error;  // the first one
  int64_t first_produce_us = 0;
  int64_t last_produce_us = 0;
  uint64_t lost = 0;
  run_stats consumer;
};

struct measured {
  double avg_ms = 0, p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
  double produce_rate = 0;  // records produced per second of producing
  double throughput = 0;    // this run's records consumed / (last consume − first produce)
};

measured measure(const run_result& r);

struct check {
  std::string name;  // "p2c_avg_ms"
  std::string text;  // "avg 12.3 ms < 50 ms"
  bool pass = false;
};

struct verdict {
  bool pass = false;
  std::vector<check> checks;
};

verdict judge(const run_result& r, const thresholds& limits);

void print_report(std::ostream& out, const run_result& r, const verdict& v);
nlohmann::json report_json(const run_result& r, const verdict& v, const thresholds& limits);

}  // namespace odin::verify
