#pragma once
// The wall clock as the code base counts it: microseconds since the epoch on the system clock
// (what a bus record's ingest_us and the delivery-latency measurements hold).
#include <chrono>
#include <cstdint>

namespace odin {

inline int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace odin
