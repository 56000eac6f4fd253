#pragma once
// Key → partition, the same function on both buses: Kafka's default (Java client) partitioner,
// murmur2(key) & 0x7fffffff modulo the partition count. librdkafka implements it
// (partitioner=murmur2_random, which the Kafka producer selects), as do franz-go and
// kafkajs, so every producer of the plan (docs/plan.md) puts a token on the same partition.
#include <cstdint>
#include <string_view>

namespace odin::bus {

// `partitions` must be > 0.
int32_t partition_for_key(std::string_view key, int32_t partitions);

}  // namespace odin::bus
