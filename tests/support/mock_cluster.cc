#include "support/mock_cluster.h"

#include <array>
#include <memory>
#include <set>
#include <stdexcept>
#include <utility>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace odin::test {
namespace {

void check(rd_kafka_resp_err_t err, const std::string& what) {
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("mock cluster " + what + ": " + rd_kafka_err2str(err));
  }
}

struct handle_deleter {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};
using consumer_ptr = std::unique_ptr<rd_kafka_t, handle_deleter>;

// A plain consumer assigned to every partition from the beginning, reporting partition ends.
consumer_ptr new_log_reader(const std::string& bootstrap, const std::vector<std::string>& topics,
                            int partitions) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::array<char, 512> err{};
  for (const auto& [name, value] :
       {std::pair<const char*, std::string>{"bootstrap.servers", bootstrap},
        {"group.id", "mock-log-reader"},
        {"enable.auto.commit", "false"},
        {"enable.partition.eof", "true"},
        {"log_level", "3"}}) {
    if (rd_kafka_conf_set(conf, name, value.c_str(), err.data(), err.size()) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(std::string("mock log reader: ") + err.data());
    }
  }
  consumer_ptr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err.data(), err.size()));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("mock log reader: ") + err.data());
  }
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()) * partitions);
  for (const std::string& topic : topics) {
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
  }
  const rd_kafka_resp_err_t assigned = rd_kafka_assign(rk.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  check(assigned, "log reader assign");
  return rk;
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

std::vector<mock_cluster::logged_record> mock_cluster::read_log(
    const std::vector<std::string>& topics, int partitions, std::chrono::milliseconds limit) const {
  const consumer_ptr rk = new_log_reader(bootstrap(), topics, partitions);
  std::vector<logged_record> out;
  std::set<std::pair<std::string, int>> ended;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (ended.size() < topics.size() * static_cast<std::size_t>(partitions) &&
         std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ended.insert({rd_kafka_topic_name(m->rkt), m->partition});
    } else if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const auto* value = static_cast<const char*>(m->payload);
      out.push_back({rd_kafka_topic_name(m->rkt), m->partition, m->offset,
                     value == nullptr ? std::string() : std::string(value, m->len)});
    }
    rd_kafka_message_destroy(m);
  }
  if (ended.size() < topics.size() * static_cast<std::size_t>(partitions)) {
    throw std::runtime_error("mock log reader: not every partition read to its end");
  }
  return out;
}

}  // namespace odin::test
