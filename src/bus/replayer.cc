#include "bus/replayer.h"

#include <algorithm>

namespace odin::bus {

replay_collector::replay_collector(const std::vector<replay_query>& queries,
                                   std::size_t max_records)
    : queries_(queries),
      max_records_(max_records),
      answers_(queries.size()),
      open_flags_(queries.size(), true),
      open_(queries.size()) {}

void replay_collector::bound(int64_t oldest, int64_t end) {
  for (std::size_t i = 0; i < queries_.size(); ++i) {
    if (open_flags_[i] && (queries_[i].from < oldest || queries_[i].from >= end)) {
      answers_[i].status = replay_status::out_of_range;
      open_flags_[i] = false;
      --open_;
    }
  }
}

int64_t replay_collector::lowest(int64_t end) const {
  int64_t low = end;
  for (std::size_t i = 0; i < queries_.size(); ++i) {
    if (open_flags_[i]) low = std::min(low, queries_[i].from);
  }
  return low;
}

void replay_collector::add(int64_t offset, int64_t timestamp_ms, int64_t ingest_us,
                           std::string_view key, std::string_view value) {
  // Many clients of one partition ask about a handful of keys: a linear pass is fine here.
  for (std::size_t i = 0; i < queries_.size(); ++i) {
    if (!open_flags_[i] || offset < queries_[i].from || queries_[i].key != key) continue;
    replay_answer& a = answers_[i];
    if (a.records.size() > max_records_) {  // the record at `from` + max_records after it
      a.status = replay_status::too_many;
      a.records.clear();
      open_flags_[i] = false;
      --open_;
      continue;
    }
    a.records.push_back({offset, timestamp_ms, ingest_us, std::string(key), std::string(value)});
  }
}

void replay_collector::lost_before(int64_t offset) {
  for (std::size_t i = 0; i < queries_.size(); ++i) {
    if (open_flags_[i] && queries_[i].from < offset) {
      answers_[i].status = replay_status::out_of_range;
      answers_[i].records.clear();
      open_flags_[i] = false;
      --open_;
    }
  }
}

std::vector<replay_answer> replay_collector::finish(replay_status unfinished) {
  for (std::size_t i = 0; i < queries_.size(); ++i) {
    if (!open_flags_[i]) continue;
    answers_[i].status = unfinished;
    if (unfinished != replay_status::ok) answers_[i].records.clear();
  }
  return std::move(answers_);
}

}  // namespace odin::bus

namespace odin::bus {

void latest_search::want(const std::string& key) {
  if (slots_.try_emplace(key).second) ++open_;
}

void latest_search::add(int64_t offset, int64_t timestamp_ms, int64_t ingest_us,
                        std::string_view key, std::string_view value) {
  const auto it = slots_.find(key);
  if (it == slots_.end() || it->second.found) return;
  const record r{kind_, partition_, offset, timestamp_ms, ingest_us, key, value};
  if (!accept_(r)) return;
  it->second.candidate =
      replayed_record{offset, timestamp_ms, ingest_us, std::string(key), std::string(value)};
}

void latest_search::end_window() {
  for (auto& [key, s] : slots_) {
    if (s.found || !s.candidate) continue;
    s.found = std::move(s.candidate);
    s.candidate.reset();
    --open_;
  }
}

latest_answer latest_search::answer(const std::string& key, replay_status unfinished) const {
  latest_answer a;
  a.partition = partition_;
  const auto it = slots_.find(key);
  if (it != slots_.end() && it->second.found) {
    a.status = replay_status::ok;
    a.record = it->second.found;
  } else {
    a.status = unfinished;
  }
  return a;
}

replay_status latest_search::search(
    int64_t oldest, int64_t end, std::size_t max_depth,
    std::chrono::steady_clock::time_point deadline,
    const std::function<replay_status(int64_t from, int64_t to)>& read) {
  const int64_t floor =
      std::max(oldest, end - static_cast<int64_t>(std::min<std::size_t>(max_depth, INT64_MAX)));
  int64_t to = end;
  int64_t window = first_window;
  while (open() && to > floor) {
    if (std::chrono::steady_clock::now() > deadline) return replay_status::timed_out;
    const int64_t from = std::max(floor, to - window);
    if (const replay_status s = read(from, to); s != replay_status::ok) return s;
    end_window();
    to = from;
    window = std::min(window * 2, max_window);
  }
  return replay_status::ok;
}

}  // namespace odin::bus
