#include "publisher/unknown_fields.h"

#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include "common/json_escape.h"
#include "publisher/replies.h"

namespace odin::publisher {

unknown_fields::unknown_fields(prometheus::Registry& registry)
    : family_(&prometheus::BuildCounter()
                   .Name("publisher_unknown_fields_total")
                   .Help("Events carrying a field their schema does not declare (passed through "
                         "unless PUBLISHER_STRICT_SCHEMAS), by type and field")
                   .Register(registry)) {}

void unknown_fields::count(model::event_type type, const std::vector<std::string>& fields) {
  for (const std::string& f : fields) counter_of(type, utf8_prefix(f, max_name_bytes)).Increment();
}

prometheus::Counter& unknown_fields::counter_of(model::event_type type, std::string_view field) {
  const std::string type_name(model::to_string(type));
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(type_name, std::string(field));
  if (!seen_.contains(key)) {
    if (seen_.size() >= max_pairs) {
      if (!overflow_logged_) {
        overflow_logged_ = true;
        spdlog::warn(
            "publisher: more than {} distinct unknown fields; further ones are counted "
            "as field=\"_other\" in publisher_unknown_fields_total",
            max_pairs);
      }
      return family_->Add({{"type", type_name}, {"field", "_other"}});
    }
    std::string quoted;  // the sender's text, escaped: no control characters in the log
    append_json_string(quoted, field);
    spdlog::info(
        "publisher: {} events carry the field {} that schemas/{}.json does not "
        "declare; passing it through (PUBLISHER_STRICT_SCHEMAS=true refuses such "
        "events). Logged once per type and field.",
        type_name, quoted, type_name);
    seen_.insert(key);
  }
  return family_->Add({{"type", key.first}, {"field", key.second}});
}

std::size_t unknown_fields::distinct_pairs() const {
  std::lock_guard lock(mutex_);
  return seen_.size();
}

}  // namespace odin::publisher
