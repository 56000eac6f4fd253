#pragma once
// Settings of the embedded in-process bus.
#include <chrono>
#include <cstdint>

namespace odin::bus {

struct memory_options {
  int32_t partitions = 12;                       // per topic, as on Kafka
  std::size_t retention_records = 100000;        // per partition; oldest dropped past it
  std::size_t retention_bytes = 64 * 1024 * 1024;// per topic
  std::chrono::milliseconds retention_time{300000};
};

}  // namespace odin::bus
