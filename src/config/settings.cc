#include "config/settings.h"

namespace odin::config {

settings default_settings(std::string log_format) {
  settings s;
  // KAFKA_BROKERS has no default: `odin gateway` must be told where Kafka is (docs/plan.md used
  // localhost:19092, which silently connects nowhere on most machines).
  s.log_format = std::move(log_format);
  // PUBLISHER_HOST not given: 0.0.0.0 with an API key or PUBLISHER_ALLOW_ANONYMOUS=true, else
  // 127.0.0.1 (config/publisher_access.h).
  s.publisher.host.clear();
  return s;
}

}  // namespace odin::config
