#pragma once
// Keeps a KafkaConsumer assigned to every partition of the 8 topics (fan-out: no consumer
// group splits them). One thread asks the brokers for metadata (every metadata_refresh when
// all is assigned, every 500 ms until then), resolves where each new partition starts and
// incremental_assign()s it:
//   - partitions present at the first answer: the latest offset, or with options.lookback
//     the first offset at/after now - lookback (ListOffsets by time; latest if none);
//   - partitions that appear later (new topic / more partitions): the earliest offset, since
//     everything in them is new.
// Start offsets are resolved to numbers before assigning (not OFFSET_END), so "ready" means
// every record produced from then on will be read.
#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "bus/consumer.h"
#include "bus/kafka_options.h"

namespace odin::bus {

// One assigned partition: its topic name and the next offset the consumer will hand out.
struct kafka_partition_slot {
  kafka_partition_slot(std::string t, int32_t p, int64_t start)
      : topic(std::move(t)), partition(p), next(start) {}
  const std::string topic;
  const int32_t partition;
  std::atomic<int64_t> next;  // written by the poll thread, read by lag()
};

// Immutable once published (slots are shared between successive tables).
struct kafka_partition_table {
  // [kind index][partition]; null where not assigned.
  std::array<std::vector<std::shared_ptr<kafka_partition_slot>>, model::kind_count> slots;

  kafka_partition_slot* find(model::kind kind, int32_t partition) const {
    const auto& v = slots[model::index(kind)];
    const auto i = static_cast<std::size_t>(partition);
    return partition >= 0 && i < v.size() ? v[i].get() : nullptr;
  }
};

class kafka_assigner {
 public:
  kafka_assigner(RdKafka::KafkaConsumer& consumer, const kafka_options& options);
  ~kafka_assigner();  // stops the thread (waits for an in-flight metadata request)
  kafka_assigner(const kafka_assigner&) = delete;
  kafka_assigner& operator=(const kafka_assigner&) = delete;

  std::shared_ptr<const kafka_partition_table> table() const;
  // Metadata answered, the 8 topics exist and all their partitions are assigned.
  bool ready() const { return ready_.load(); }
  // The brokers went away (an error event): unready and disconnected until the next
  // metadata answer.
  void brokers_down();
  // Connected = the last metadata request was answered and no all-brokers-down came since.
  bus_health health() const;

  // Backpressure: pause / resume every assigned partition (and those assigned later).
  void pause();
  void resume();
  bool paused() const { return paused_.load(); }

 private:
  struct wanted {
    model::kind kind;
    int32_t partition;
    int64_t query;  // ListOffsets timestamp: ms, or -1 latest / -2 earliest
  };

  void run();
  bool refresh();
  std::vector<wanted> unassigned(const RdKafka::Metadata& md, bool& all_topics);
  std::size_t assign(const std::vector<wanted>& want);
  void resolve(std::vector<RdKafka::TopicPartition*>& tps);
  void set_paused(bool paused);
  void mark_connected(bool connected);

  RdKafka::KafkaConsumer& consumer_;
  const kafka_options& options_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> paused_{false};
  bool answered_once_ = false;                         // assigner thread only
  std::set<std::pair<std::size_t, int32_t>> initial_;  // (kind, partition) seen at first answer

  mutable std::mutex mutex_;  // guards table_, serialises assign / pause / resume
  std::shared_ptr<const kafka_partition_table> table_;

  mutable std::mutex health_mutex_;  // guards health_ and ever_connected_
  bus_health health_;
  bool ever_connected_ = false;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  bool refresh_now_ = false;
  std::thread thread_;
};

}  // namespace odin::bus
