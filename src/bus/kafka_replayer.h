#pragma once
// replayer over Kafka/Redpanda: its own librdkafka consumer (never the live one), no group
// membership, no commits. A fetch asks the partition's watermarks, assigns the partition at the
// lowest offset asked for, reads up to the high watermark (as of the call) and unassigns: one
// scan per partition whatever the number of clients waiting on it.
// Threads: fetch() from one thread at a time (the gateway's recovery thread).
#include <array>
#include <functional>
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

  std::vector<latest_answer> latest(model::kind kind, const std::vector<std::string>& keys,
                                    const record_accept& accept, std::size_t max_depth,
                                    std::chrono::steady_clock::time_point deadline) override;

 private:
  // What read_range() does with what it reads.
  struct range_sink {
    std::function<bool()> more;                       // false: stop reading
    std::function<void(int64_t offset)> lost_before;  // records before it were not seen
    std::function<void(int64_t offset, int64_t timestamp_ms, int64_t ingest_us,
                       std::string_view key, std::string_view value)>
        add;
  };
  // Reads [from, end) of one partition in offset order (assign, consume, unassign).
  replay_status read_range(const std::string& topic, int32_t partition, int64_t from, int64_t end,
                           std::chrono::steady_clock::time_point deadline, const range_sink& sink);
  replay_status watermarks(const std::string& topic, int32_t partition, int64_t& low, int64_t& high,
                           std::chrono::steady_clock::time_point deadline);
  // The topic's partition count (cached for a minute), 0 when unknown.
  int32_t partition_count(model::kind kind, std::chrono::steady_clock::time_point deadline);

  const kafka_options options_;
  kafka_event_logger events_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  struct partition_count_entry {
    int32_t count = 0;
    std::chrono::steady_clock::time_point until;
  };
  std::array<partition_count_entry, model::kind_count> partition_counts_{};
};

}  // namespace odin::bus
