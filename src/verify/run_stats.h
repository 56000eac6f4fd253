#pragma once
// The consumer's tally of one run: every consumed record is validated and counted (valid /
// invalid by reason); this run's records (header odin-verify-run) are also checked off by
// sequence number (duplicates, and lost = acknowledged but never seen) and give one P2C
// latency sample each (consume time − the odin-ingest-us header set right before produce()).
// Not thread-safe: owned by the consumer thread, read after it ended.
#include <array>
#include <cstdint>
#include <vector>

#include "loadtest/latency_histogram.h"
#include "verify/telemetry_point.h"

namespace odin::verify {

struct run_stats {
  uint64_t consumed = 0;  // every record read from the topic during the run
  uint64_t valid = 0;
  std::array<uint64_t, invalid_reason_count> invalid_by_reason{};
  uint64_t foreign = 0;     // records of other producers (valid or not)
  uint64_t ours = 0;        // this run's records, first sightings
  uint64_t duplicates = 0;  // this run's records seen again
  uint64_t primes = 0;      // priming records seen (not measured)
  int64_t first_consume_us = 0;
  int64_t last_consume_us = 0;
  loadtest::latency_histogram latency_us;
  std::vector<bool> seen;  // by sequence number

  uint64_t invalid() const;
  void count_invalid(invalid_reason r) { ++invalid_by_reason[static_cast<std::size_t>(r)]; }
  // Checks off `seq`; false (and counted) when it was seen before.
  bool check_off(uint64_t seq);
  // Sequence numbers below `produced` that were neither seen nor failed to produce.
  uint64_t lost(uint64_t produced, const std::vector<uint64_t>& failed) const;
};

}  // namespace odin::verify
