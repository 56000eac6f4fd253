#pragma once
// RAII wrapper around librdkafka's mock cluster (rdkafka_mock.h): an in-process Kafka with
// `brokers` brokers (ids 1..brokers) on loopback ports, for tests and `odin dev --kafka-mock`.
// Debian's librdkafka 2.0.2 mock does not answer CreateTopics / DescribeConfigs: topics are
// created here. Its empty fetches wait the full fetch.wait.max.ms, so keep that low in tests
// and never measure latency through it. Every method throws std::runtime_error on failure.
#include <string>

#include "model/topic_map.h"

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace odin::test {

class mock_cluster {
 public:
  explicit mock_cluster(int brokers = 3);
  ~mock_cluster();
  mock_cluster(const mock_cluster&) = delete;
  mock_cluster& operator=(const mock_cluster&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  std::string bootstrap() const;
  int brokers() const { return brokers_; }

  void create_topic(const std::string& topic, int partitions, int replication);
  // The 8 odin topics, replication factor min(3, brokers).
  void create_odin_topics(const model::topic_map& topics, int partitions = 12);

  // Disconnects a broker and refuses new connections (leadership does not move).
  void broker_down(int broker_id);
  void broker_up(int broker_id);
  // Moves a partition's leadership (clients get NOT_LEADER and follow).
  void set_leader(const std::string& topic, int partition, int broker_id);

 private:
  int brokers_;
  rd_kafka_s* handle_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
};

}  // namespace odin::test
