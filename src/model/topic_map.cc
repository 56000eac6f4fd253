#include "model/topic_map.h"

#include <fmt/format.h>

namespace odin::model {

topic_map::topic_map() {
  for (kind k : all_kinds) topics_[index(k)] = std::string(default_topic(k));
}

void topic_map::set(kind k, std::string topic) {
  topics_[index(k)] = std::move(topic);
}

std::optional<kind> topic_map::kind_of_topic(std::string_view topic) const {
  for (kind k : all_kinds) {
    if (topics_[index(k)] == topic) return k;
  }
  return std::nullopt;
}

std::vector<std::string> topic_map::all_topics() const {
  return {topics_.begin(), topics_.end()};
}

std::string topic_map::validate() const {
  for (kind k : all_kinds) {
    const std::string& t = topics_[index(k)];
    if (t.empty()) return fmt::format("KAFKA_TOPIC_{} is empty", topic_env_suffix(k));
    for (kind other : all_kinds) {
      if (other < k && topics_[index(other)] == t) {
        return fmt::format("KAFKA_TOPIC_{} and KAFKA_TOPIC_{} both name topic '{}'",
                           topic_env_suffix(other), topic_env_suffix(k), t);
      }
    }
  }
  return {};
}

}  // namespace odin::model
