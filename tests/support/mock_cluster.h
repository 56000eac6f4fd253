#pragma once
// RAII wrapper around librdkafka's mock cluster (rdkafka_mock.h): an in-process Kafka with
// `brokers` brokers (ids 1..brokers) on loopback ports, for tests and `odin dev --kafka-mock`.
// Debian's librdkafka 2.0.2 mock does not answer CreateTopics / DescribeConfigs: topics are
// created here. Its empty fetches wait the full fetch.wait.max.ms, so keep that low in tests
// and never measure latency through it. Every method throws std::runtime_error on failure.
//
// librdkafka 2.0.2 defect (seen with this mock): the mock does not check an idempotent
// producer's sequence numbers (a real broker answers OUT_OF_ORDER_SEQUENCE_NUMBER). When a
// leader moves, the producer can send a later batch to the new leader before it re-sends an
// earlier batch that the old leader refused (NOT_LEADER); the mock appends the later batch,
// and the producer then reports the earlier records delivered ("implicitly acked", offset
// -1001) although they are in no log. Count what a consumer must read with read_log(), not
// with delivery reports (tests/bus/kafka_fault_test.cc, src/bus/README.md).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

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

  struct logged_record {
    std::string topic;
    int partition;
    int64_t offset;
    std::string value;
  };
  // What the cluster really holds: every record of partitions 0..partitions-1 of `topics`,
  // read from the beginning by a plain librdkafka consumer (not odin's), in offset order per
  // partition. Throws if the end of some partition is not reached within `limit`.
  std::vector<logged_record> read_log(const std::vector<std::string>& topics, int partitions,
                                      std::chrono::milliseconds limit) const;

 private:
  int brokers_;
  rd_kafka_s* handle_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
};

}  // namespace odin::test
