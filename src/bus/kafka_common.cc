#include "bus/kafka_common.h"

#include <unistd.h>

#include <array>
#include <stdexcept>

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

namespace odin::bus {

void set_kafka_property(RdKafka::Conf& conf, const std::string& name, const std::string& value) {
  std::string err;
  if (conf.set(name, value, err) != RdKafka::Conf::CONF_OK) {
    throw std::invalid_argument("kafka property " + name + "=" + value + ": " + err);
  }
}

std::unique_ptr<RdKafka::Conf> make_kafka_conf(const kafka_options& options,
                                               RdKafka::EventCb& events) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  set_kafka_property(*conf, "bootstrap.servers", options.brokers);
  set_kafka_property(*conf, "client.id", options.client_id);
  std::string err;
  if (conf->set("event_cb", &events, err) != RdKafka::Conf::CONF_OK) {
    throw std::invalid_argument("kafka event_cb: " + err);
  }
  return conf;
}

void apply_extra_properties(RdKafka::Conf& conf, const kafka_options& options) {
  for (const auto& [name, value] : options.extra) set_kafka_property(conf, name, value);
}

std::optional<std::string> kafka_client_property(RdKafka::Handle& client, const std::string& name) {
  const rd_kafka_conf_t* conf = rd_kafka_conf(client.c_ptr());
  std::size_t size = 0;
  if (rd_kafka_conf_get(conf, name.c_str(), nullptr, &size) != RD_KAFKA_CONF_OK)
    return std::nullopt;
  std::string value(size, '\0');
  if (rd_kafka_conf_get(conf, name.c_str(), value.data(), &size) != RD_KAFKA_CONF_OK) {
    return std::nullopt;
  }
  value.resize(size > 0 ? size - 1 : 0);  // size counts the terminating NUL
  return value;
}

bus_error to_bus_error(int code) {
  switch (static_cast<RdKafka::ErrorCode>(code)) {
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__TIMED_OUT_QUEUE:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
      return bus_error::timed_out;
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__RESOLVE:
    case RdKafka::ERR__SSL:
    case RdKafka::ERR__AUTHENTICATION:
    case RdKafka::ERR_NETWORK_EXCEPTION:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
      return bus_error::transport;
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR__UNKNOWN_PARTITION:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
      return bus_error::unknown_topic;
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
    case RdKafka::ERR_RECORD_LIST_TOO_LARGE:
      return bus_error::message_too_large;
    case RdKafka::ERR__QUEUE_FULL:
      return bus_error::queue_full;
    case RdKafka::ERR__PURGE_QUEUE:
    case RdKafka::ERR__PURGE_INFLIGHT:
    case RdKafka::ERR__DESTROY:
      return bus_error::closed;
    default:
      return bus_error::internal;
  }
}

std::string kafka_instance_id(const kafka_options& options) {
  if (!options.instance_id.empty()) return options.instance_id;
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host = {'o', 'd', 'i', 'n'};
  return std::string(host.data());
}

kafka_event_logger::kafka_event_logger(std::string name,
                                       std::function<void(RdKafka::ErrorCode, bool)> on_error)
    : name_(std::move(name)), on_error_(std::move(on_error)) {}

namespace {

spdlog::level::level_enum level_of_severity(int severity) {
  // syslog levels: 0-2 emergency..critical, 3 error, 4 warning, 5-6 notice/info, 7 debug.
  if (severity <= 3) return spdlog::level::err;
  if (severity == 4) return spdlog::level::warn;
  if (severity <= 6) return spdlog::level::info;
  return spdlog::level::debug;
}

}  // namespace

void kafka_event_logger::event_cb(RdKafka::Event& event) {
  switch (event.type()) {
    case RdKafka::Event::EVENT_LOG:
      spdlog::log(level_of_severity(event.severity()), "{} librdkafka {}: {}", name_, event.fac(),
                  event.str());
      break;
    case RdKafka::Event::EVENT_ERROR: {
      const bool fatal = event.fatal();
      const std::string text = RdKafka::err2str(event.err()) + ": " + event.str();
      if (fatal) {
        spdlog::error("{} kafka fatal error {}", name_, text);
      } else if (repeated(event.err(), text)) {
        spdlog::debug("{} kafka error {}", name_, text);
      } else {
        spdlog::warn("{} kafka error {}", name_, text);
      }
      if (on_error_) on_error_(event.err(), fatal);
      break;
    }
    case RdKafka::Event::EVENT_THROTTLE:
      spdlog::debug("{} throttled {} ms by broker {}", name_, event.throttle_time(),
                    event.broker_name());
      break;
    default:
      break;
  }
}

bool kafka_event_logger::repeated(RdKafka::ErrorCode err, const std::string& text) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  const bool same =
      err == last_err_ && text == last_text_ && now - last_at_ < std::chrono::seconds(10);
  if (!same) {
    last_err_ = err;
    last_text_ = text;
    last_at_ = now;
  }
  return same;
}

}  // namespace odin::bus
