#pragma once
// A small Kafka admin client over librdkafka's Admin C API: cluster metadata, CreateTopics and
// DescribeConfigs. Every call is bounded: the request carries `timeout` as its request (and
// CreateTopics operation) timeout, and the result queue is polled against a deadline of
// timeout + 1 s, so a broker that never answers (librdkafka's mock cluster does not implement
// CreateTopics / DescribeConfigs) yields admin_errc::timed_out instead of a hang.
// Not thread-safe: one caller at a time. Start-up/CLI code, not a hot path.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "admin/admin_error.h"
#include "admin/topic_spec.h"
#include "bus/kafka_options.h"

struct rd_kafka_op_s;
struct rd_kafka_queue_s;

namespace RdKafka {
class Handle;
class Producer;
}  // namespace RdKafka

namespace odin::bus {
class kafka_event_logger;
}  // namespace odin::bus

namespace odin::admin {

struct partition_info {
  int32_t id = 0;
  int32_t leader = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  std::string error;  // empty when the broker reported none
};

struct topic_info {
  std::string name;
  std::vector<partition_info> partitions;  // by id
  std::string error;
  int replication_factor() const {
    return partitions.empty() ? 0 : static_cast<int>(partitions.front().replicas.size());
  }
};

struct broker_info {
  int32_t id = 0;
  std::string host;
  int port = 0;
};

struct cluster_info {
  std::vector<broker_info> brokers;  // by id
  std::vector<topic_info> topics;    // by name
  const topic_info* find(const std::string& topic) const;
};

enum class create_status { created, exists, failed };

struct create_result {
  std::string topic;
  create_status status = create_status::failed;
  std::string error;  // for failed: "INVALID_REPLICATION_FACTOR: ..."
};

struct config_entry {
  std::string value;
  bool is_default = false;
};

struct topic_configs {
  std::string topic;  // or the broker id, for a broker resource
  std::map<std::string, config_entry> entries;
  std::string error;  // the broker's error for this topic, entries then empty
};

class kafka_admin {
 public:
  // Uses options.brokers, client_id and extra (security settings ...). Throws
  // std::invalid_argument when librdkafka refuses a property.
  kafka_admin(const bus::kafka_options& options, std::chrono::milliseconds timeout);
  ~kafka_admin();
  kafka_admin(const kafka_admin&) = delete;
  kafka_admin& operator=(const kafka_admin&) = delete;

  // Brokers and every topic with its partitions (leader, replicas, ISR).
  admin_result<cluster_info> metadata();
  // One result per spec, in spec order. TOPIC_ALREADY_EXISTS is create_status::exists.
  admin_result<std::vector<create_result>> create_topics(std::span<const topic_spec> specs);
  // The configs of each topic, in the order asked.
  admin_result<std::vector<topic_configs>> describe_configs(std::span<const std::string> topics);
  // The configs of one broker (DescribeConfigs on the BROKER resource; `topic` holds its id).
  admin_result<topic_configs> describe_broker_configs(int32_t broker_id);

  const std::string& brokers() const { return brokers_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  // The librdkafka client (diagnostics and tests: bus::kafka_client_property).
  RdKafka::Handle& client();

 private:
  admin_error timeout_error(const char* what) const;
  // DescribeConfigs of `names`, all of `resource_type` (rd_kafka_ResourceType_t).
  admin_result<std::vector<topic_configs>> describe(int resource_type,
                                                    std::span<const std::string> names);
  // Waits for the result event of an admin request; checks the request-level error.
  admin_result<rd_kafka_op_s*> await_result(rd_kafka_queue_s* queue, int event_type,
                                            const char* what);

  std::string brokers_;
  std::chrono::milliseconds timeout_;
  bool metadata_answered_ = false;  // then a timeout is not "brokers down"
  std::unique_ptr<bus::kafka_event_logger> logger_;
  std::unique_ptr<RdKafka::Producer> client_;
};

// "15 s", "1.5 s".
std::string format_seconds(std::chrono::milliseconds d);

}  // namespace odin::admin
