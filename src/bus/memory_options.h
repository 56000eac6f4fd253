#pragma once
// Settings of the embedded in-process bus.
#include <chrono>
#include <cstdint>

#include "model/topic_map.h"

namespace odin::bus {

struct memory_options {
  int32_t partitions = 12;                         // per topic, as on Kafka
  std::size_t retention_records = 100000;          // per partition; oldest dropped past it
  std::size_t retention_bytes = 64 * 1024 * 1024;  // per topic (an equal share per partition)
  std::chrono::milliseconds retention_time{300000};
  std::size_t max_record_bytes = 1024 * 1024;  // key + value; larger → message_too_large
  model::topic_map topics;                     // names reported by consumer::lag()
};

}  // namespace odin::bus
