#pragma once
// Settings of the librdkafka clients (filled by src/config).
#include <chrono>
#include <map>
#include <string>

#include "model/topic_map.h"

namespace odin::bus {

struct kafka_options {
  std::string brokers;                 // KAFKA_BROKERS, "host:port,host:port"
  std::string group_id = "ws-server";  // KAFKA_GROUP_ID; the gateway appends an instance id
  std::string instance_id;             // KAFKA_INSTANCE_ID; "" = the hostname
  model::topic_map topics;             // KAFKA_TOPIC_*
  std::string client_id = "odin";
  // Producer
  std::chrono::milliseconds linger{1};                // KAFKA_LINGER_MS
  std::chrono::milliseconds delivery_timeout{30000};  // KAFKA_DELIVERY_TIMEOUT_MS
  std::string compression = "snappy";
  std::string acks = "all";
  std::chrono::milliseconds enqueue_timeout{500};  // a full local queue is retried this long
  // Consumer
  std::chrono::milliseconds fetch_wait_max{10};  // KAFKA_FETCH_WAIT_MAX_MS
  std::chrono::milliseconds lookback{0};         // KAFKA_LOOKBACK (duration): seed history on start
  std::chrono::milliseconds metadata_refresh{5000};  // how often new partitions are looked for
  // Producer: how long the destructor waits for outstanding acks before purging the rest.
  std::chrono::milliseconds shutdown_timeout{2000};
  // Extra librdkafka properties ("security.protocol" ...), applied last.
  std::map<std::string, std::string> extra;
};

}  // namespace odin::bus
