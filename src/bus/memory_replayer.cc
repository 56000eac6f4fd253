#include "bus/memory_replayer.h"

#include "bus/memory_bus.h"

namespace odin::bus {

std::vector<replay_answer> memory_replayer::fetch(model::kind kind, int32_t partition,
                                                  const std::vector<replay_query>& queries,
                                                  std::size_t max_records,
                                                  std::chrono::steady_clock::time_point deadline) {
  replay_collector collect(queries, max_records);
  if (partition < 0 || partition >= bus_.partitions()) {
    collect.bound(0, 0);  // no such partition: nothing is in range
    return collect.finish(replay_status::out_of_range);
  }
  const memory_log& log = bus_.log(kind, partition);
  const int64_t end = log.end_offset();
  log_span span;
  const int64_t lowest = collect.lowest(end);
  collect.bound(log.read(lowest, 0, span), end);  // read(.., 0, ..) = the oldest retained
  int64_t at = collect.lowest(end);
  while (collect.open() && at < end) {
    if (std::chrono::steady_clock::now() > deadline)
      return collect.finish(replay_status::timed_out);
    const int64_t from = log.read(at, 256, span);
    if (from > at) collect.lost_before(from);
    if (span.count == 0) break;
    for (std::size_t i = 0; i < span.count; ++i) {
      const int64_t offset = span.first_offset + static_cast<int64_t>(i);
      if (offset >= end) break;
      const stored_record& r = span.first[i];
      collect.add(offset, r.timestamp_ms, r.ingest_us, r.key(), r.value());
    }
    at = span.first_offset + static_cast<int64_t>(span.count);
  }
  return collect.finish(replay_status::ok);
}

}  // namespace odin::bus
