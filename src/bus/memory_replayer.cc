#include "bus/memory_replayer.h"

#include <map>

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

std::vector<latest_answer> memory_replayer::latest(model::kind kind,
                                                   const std::vector<std::string>& keys,
                                                   const record_accept& accept,
                                                   std::size_t max_depth,
                                                   std::chrono::steady_clock::time_point deadline) {
  std::map<int32_t, latest_search> searches;
  for (const std::string& key : keys) {
    const int32_t p = bus_.partition_of(key);
    searches.try_emplace(p, kind, p, accept).first->second.want(key);
  }
  std::map<int32_t, replay_status> outcome;
  for (auto& entry : searches) {
    const int32_t partition = entry.first;
    latest_search& search = entry.second;  // named: lambdas may not capture bindings (clang < 16)
    const memory_log& log = bus_.log(kind, partition);
    const int64_t end = log.end_offset();
    log_span span;
    const int64_t oldest = log.read(0, 0, span);
    outcome[partition] =
        search.search(oldest, end, max_depth, deadline, [&](int64_t from, int64_t to) {
          for (int64_t at = from; at < to;) {
            log.read(at, static_cast<std::size_t>(to - at), span);  // from the oldest when dropped
            if (span.count == 0) break;
            for (std::size_t i = 0; i < span.count; ++i) {
              const int64_t offset = span.first_offset + static_cast<int64_t>(i);
              if (offset >= to) break;
              const stored_record& r = span.first[i];
              search.add(offset, r.timestamp_ms, r.ingest_us, r.key(), r.value());
            }
            at = span.first_offset + static_cast<int64_t>(span.count);
          }
          return replay_status::ok;
        });
  }
  std::vector<latest_answer> answers;
  answers.reserve(keys.size());
  for (const std::string& key : keys) {
    const int32_t p = bus_.partition_of(key);
    answers.push_back(searches.at(p).answer(key, outcome[p]));
  }
  return answers;
}

}  // namespace odin::bus
