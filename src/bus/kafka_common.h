#pragma once
// What the librdkafka producer and consumer share: configuration building, error mapping,
// the instance id, and the bridge from librdkafka's log lines and error events to spdlog.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <librdkafka/rdkafkacpp.h>

#include "bus/kafka_options.h"
#include "bus/record.h"

namespace odin::bus {

// Sets one property; throws std::invalid_argument naming it when librdkafka refuses it.
void set_kafka_property(RdKafka::Conf& conf, const std::string& name, const std::string& value);

// A global configuration with what both clients use: brokers, client id, `event_cb`.
std::unique_ptr<RdKafka::Conf> make_kafka_conf(const kafka_options& options,
                                               RdKafka::EventCb& events);

// Applies options.extra (last, so it overrides anything).
void apply_extra_properties(RdKafka::Conf& conf, const kafka_options& options);

// The value a created client holds for property `name` (as rd_kafka_conf_get reports it);
// nullopt for an unknown name. Secrets come back as they are: never log the result.
std::optional<std::string> kafka_client_property(RdKafka::Handle& client, const std::string& name);

// librdkafka error code (RdKafka::ErrorCode or rd_kafka_resp_err_t) → bus_error.
bus_error to_bus_error(int code);

// options.instance_id, else the hostname: a gateway's group id is
// "<group_id>-<instance id>", stable across restarts (no pid: a restart reuses its group
// instead of leaving an orphan on the broker).
std::string kafka_instance_id(const kafka_options& options);

// Routes librdkafka log lines and error events to spdlog. The same error repeated within
// 10 s (a broker that stays down) is logged at debug. `on_error` (optional) sees every error
// event; it is called from the thread serving the client's queue.
class kafka_event_logger final : public RdKafka::EventCb {
 public:
  explicit kafka_event_logger(std::string name,
                              std::function<void(RdKafka::ErrorCode, bool fatal)> on_error = {});
  void event_cb(RdKafka::Event& event) override;

 private:
  bool repeated(RdKafka::ErrorCode err, const std::string& text);

  const std::string name_;
  const std::function<void(RdKafka::ErrorCode, bool)> on_error_;
  std::mutex mutex_;
  RdKafka::ErrorCode last_err_ = RdKafka::ERR_NO_ERROR;
  std::string last_text_;
  std::chrono::steady_clock::time_point last_at_{};
};

}  // namespace odin::bus
