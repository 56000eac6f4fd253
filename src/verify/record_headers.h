#pragma once
// The Kafka record headers `odin verify` puts on what it produces. A consumer tells this run's
// records from anyone else's by odin-verify-run (a random id per run); latency is measured
// from odin-ingest-us (µs since the epoch, set right before produce(); the same header odin's
// other producers set, bus/record.h).
#include <cstdint>
#include <optional>
#include <string_view>

namespace odin::verify {

inline constexpr std::string_view run_header = "odin-verify-run";      // run id, 16 hex digits
inline constexpr std::string_view seq_header = "odin-verify-seq";      // 0, 1, 2 … (decimal)
inline constexpr std::string_view prime_header = "odin-verify-prime";  // run id: priming record

// Decimal text of a header value → number; nullopt when it is not plain decimal digits.
std::optional<uint64_t> parse_decimal(std::string_view text);

}  // namespace odin::verify
