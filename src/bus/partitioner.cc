#include "bus/partitioner.h"

#include <librdkafka/rdkafka.h>

namespace odin::bus {

int32_t partition_for_key(std::string_view key, int32_t partitions) {
  // librdkafka's exported murmur2 partitioner is a pure function of key and count; the topic
  // and opaque arguments are unused, so the memory bus shares the Kafka producer's mapping.
  return rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), partitions, nullptr,
                                          nullptr);
}

}  // namespace odin::bus
