#include "config/settings.h"

namespace odin::config {

settings default_settings(std::string log_format) {
  settings s;
  // KAFKA_BROKERS has no default: `odin gateway` must be told where Kafka is (the plan used
  // localhost:19092, which silently connects nowhere on most machines).
  s.log_format = std::move(log_format);
  return s;
}

}  // namespace odin::config
