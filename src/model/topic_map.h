#pragma once
// Topic names of the eight kinds. Defaults: docs/plan.md's ("odin.trades" ...); each can be
// overridden (KAFKA_TOPIC_TRADES ...). Lookup by topic name is how a bus record gets its kind.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/event_type.h"
#include "model/kind.h"

namespace odin::model {

class topic_map {
 public:
  topic_map();  // the plan's defaults

  void set(kind k, std::string topic);
  const std::string& topic_of(kind k) const { return topics_[index(k)]; }
  const std::string& topic_of(event_type t) const { return topic_of(kind_of(t)); }
  std::optional<kind> kind_of_topic(std::string_view topic) const;
  std::vector<std::string> all_topics() const;

  // Empty when the eight names are distinct and non-empty; else a human-readable reason.
  std::string validate() const;

 private:
  std::array<std::string, kind_count> topics_;
};

}  // namespace odin::model
