#pragma once
// replayer over Kafka/Redpanda: its own librdkafka consumer (never the live one), no group
// membership, no commits. A fetch asks the partition's watermarks, assigns the partition at the
// lowest offset asked for, reads up to the high watermark (as of the call) and unassigns: one
// scan per partition whatever the number of clients waiting on it.
// Threads: fetch() from one thread at a time (the gateway's recovery thread).
#include <memory>

#include <librdkafka/rdkafkacpp.h>

#include "bus/kafka_common.h"
#include "bus/kafka_options.h"
#include "bus/replayer.h"

namespace odin::bus {

class kafka_replayer final : public replayer {
 public:
  // Creates the client only (throws std::invalid_argument on a configuration librdkafka
  // refuses); brokers are contacted by fetch().
  explicit kafka_replayer(const kafka_options& options);
  ~kafka_replayer() override;
  kafka_replayer(const kafka_replayer&) = delete;
  kafka_replayer& operator=(const kafka_replayer&) = delete;

  std::vector<replay_answer> fetch(model::kind kind, int32_t partition,
                                   const std::vector<replay_query>& queries,
                                   std::size_t max_records,
                                   std::chrono::steady_clock::time_point deadline) override;

 private:
  replay_status scan(const std::string& topic, int32_t partition, int64_t from, int64_t end,
                     replay_collector& collect, std::chrono::steady_clock::time_point deadline);

  const kafka_options options_;
  kafka_event_logger events_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
};

}  // namespace odin::bus
