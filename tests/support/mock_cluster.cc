#include "support/mock_cluster.h"

#include <array>
#include <stdexcept>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace odin::test {
namespace {

void check(rd_kafka_resp_err_t err, const std::string& what) {
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("mock cluster " + what + ": " + rd_kafka_err2str(err));
  }
}

}  // namespace

mock_cluster::mock_cluster(int brokers) : brokers_(brokers) {
  // The cluster needs a client handle for its bookkeeping; an idle producer will do.
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::array<char, 512> err{};
  rd_kafka_conf_set(conf, "log_level", "3", err.data(), err.size());
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size());
  if (handle_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("mock cluster handle: ") + err.data());
  }
  cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
  if (cluster_ == nullptr) {
    rd_kafka_destroy(handle_);
    throw std::runtime_error("mock cluster: rd_kafka_mock_cluster_new failed");
  }
}

mock_cluster::~mock_cluster() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(handle_);
}

std::string mock_cluster::bootstrap() const {
  return rd_kafka_mock_cluster_bootstraps(cluster_);
}

void mock_cluster::create_topic(const std::string& topic, int partitions, int replication) {
  check(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, replication),
        "create topic " + topic);
}

void mock_cluster::create_odin_topics(const model::topic_map& topics, int partitions) {
  for (const std::string& topic : topics.all_topics()) {
    create_topic(topic, partitions, brokers_ < 3 ? brokers_ : 3);
  }
}

void mock_cluster::broker_down(int broker_id) {
  check(rd_kafka_mock_broker_set_down(cluster_, broker_id), "broker down");
}

void mock_cluster::broker_up(int broker_id) {
  check(rd_kafka_mock_broker_set_up(cluster_, broker_id), "broker up");
}

void mock_cluster::set_leader(const std::string& topic, int partition, int broker_id) {
  check(rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, broker_id),
        "set leader of " + topic);
}

}  // namespace odin::test
