#pragma once
// The embedded bus: 8 topics × options.partitions in-process logs (memory_log) with the
// Kafka semantics the gateway relies on — partition = murmur2(key) (partitioner.h), offsets
// per partition from 0, bus timestamps, bounded retention, consumers starting at the latest
// offset. The zero-setup default of `odin dev`.
//
// Lifetime: the bus must outlive every producer and consumer it made.
// Threads: append()/producers and consumers may be used from any number of threads at once.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "bus/append_signal.h"
#include "bus/consumer.h"
#include "bus/memory_log.h"
#include "bus/memory_options.h"
#include "bus/producer.h"

namespace odin::bus {

class memory_bus {
 public:
  // Throws std::invalid_argument on nonsensical options (start-up only).
  explicit memory_bus(memory_options options);
  memory_bus(const memory_bus&) = delete;
  memory_bus& operator=(const memory_bus&) = delete;

  // Its completion runs synchronously inside produce(), on the caller's thread, right after
  // the append: the caller must not hold a lock across produce() that the completion takes.
  std::unique_ptr<producer> make_producer();
  // Starts at the latest offset of every partition.
  std::unique_ptr<consumer> make_consumer();

  // What the producers call: appends with timestamp_ms / ingest_us = now and wakes consumers.
  result<delivery, bus_error> append(model::kind kind, std::string_view key,
                                     std::string_view value);

  int32_t partitions() const { return options_.partitions; }
  const memory_options& options() const { return options_; }
  int32_t partition_of(std::string_view key) const;

  // For consumers: the log of one partition, and the append signal to wait on.
  const memory_log& log(model::kind kind, int32_t partition) const;
  append_signal& signal() { return signal_; }

  struct retained_stats {
    std::size_t records = 0;
    std::size_t bytes = 0;
  };
  // What one topic holds right now (all partitions).
  retained_stats retained(model::kind kind) const;

 private:
  memory_options options_;
  std::vector<std::unique_ptr<memory_log>> logs_;  // [kind index * partitions + partition]
  append_signal signal_;
};

}  // namespace odin::bus
