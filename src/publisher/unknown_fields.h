#pragma once
// Counts the fields senders add that an event's schema does not declare (passed through by
// default, see ingest.h): publisher_unknown_fields_total{type,field}, and one log line the
// first time a (type, field) pair is seen. Distinct pairs are bounded (max_pairs): a sender
// inventing field names cannot grow the metric without limit — later pairs count under
// field="_other" and are logged once together.
// Thread-safe.
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/event_type.h"

namespace prometheus {
class Counter;
template <typename T>
class Family;
class Registry;
}  // namespace prometheus

namespace odin::publisher {

class unknown_fields {
 public:
  static constexpr std::size_t max_pairs = 256;
  static constexpr std::size_t max_name_bytes = 64;  // longer names are cut in labels and logs

  explicit unknown_fields(prometheus::Registry& registry);

  // Counts one event's unknown fields.
  void count(model::event_type type, const std::vector<std::string>& fields);

  // Events counted per (type, field) so far (tests).
  std::size_t distinct_pairs() const;

 private:
  prometheus::Counter& counter_of(model::event_type type, std::string_view field);

  prometheus::Family<prometheus::Counter>* family_;
  mutable std::mutex mutex_;
  std::set<std::pair<std::string, std::string>, std::less<>> seen_;
  bool overflow_logged_ = false;
};

}  // namespace odin::publisher
