#pragma once
// Reading back what a partition holds from a given offset: the gateway's recovery source
// beyond its in-memory history (a client's "since"). Separate from consumer: it never moves
// the live consumer, and one call serves many clients at once.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bus/record.h"
#include "model/kind.h"

namespace odin::bus {

// Records of `key` from offset `from` (inclusive).
struct replay_query {
  std::string key;
  int64_t from = 0;
};

struct replayed_record {
  int64_t offset = 0;
  int64_t timestamp_ms = 0;  // bus timestamp
  int64_t ingest_us = 0;
  std::string key;
  std::string value;
};

enum class replay_status : uint8_t {
  ok,            // `records`: every record of the key from `from` to the end, in offset order
  out_of_range,  // `from` is older than the oldest retained record, or not below the end
  too_many,      // more than max_records records of the key after `from`
  timed_out,     // the deadline passed first
  failed,        // the bus could not be read (logged)
};

struct replay_answer {
  replay_status status = replay_status::failed;
  std::vector<replayed_record> records;
};

// The newest record of a key (a snapshot beyond the gateway's history).
struct latest_answer {
  // ok: searched back as far as allowed; `record` is the newest accepted record of the key, or
  // empty when none lies within the search. Else the search did not finish: nothing.
  replay_status status = replay_status::failed;
  int32_t partition = -1;
  std::optional<replayed_record> record;
};

// Whether a record may be the answer (the gateway's event checks). Called on the fetching thread.
using record_accept = std::function<bool(const record&)>;

class replayer {
 public:
  virtual ~replayer() = default;

  // For each key (same order; repeats allowed) the newest record of `kind` with that key that
  // `accept` takes. Each key's partition is searched backwards from its end (as of the call)
  // in growing windows, ONE search per partition whatever the number of keys on it, at most
  // `max_depth` records back and until the deadline. Blocking; one thread at a time, the same
  // as fetch().
  virtual std::vector<latest_answer> latest(model::kind kind, const std::vector<std::string>& keys,
                                            const record_accept& accept, std::size_t max_depth,
                                            std::chrono::steady_clock::time_point deadline) = 0;

  // Answers every query (same order) about one partition with ONE scan from the lowest `from`
  // to the partition's end as of the call. Blocking; call from one thread at a time.
  virtual std::vector<replay_answer> fetch(model::kind kind, int32_t partition,
                                           const std::vector<replay_query>& queries,
                                           std::size_t max_records,
                                           std::chrono::steady_clock::time_point deadline) = 0;
};

// What both engines share: collects the records of each query's key during one scan.
class replay_collector {
 public:
  replay_collector(const std::vector<replay_query>& queries, std::size_t max_records);

  // Queries with from < oldest (retention took their record) or from >= end: out_of_range.
  void bound(int64_t oldest, int64_t end);
  // The lowest `from` of the queries still open; `end` when none is.
  int64_t lowest(int64_t end) const;
  // One record of the scan, in offset order.
  void add(int64_t offset, int64_t timestamp_ms, int64_t ingest_us, std::string_view key,
           std::string_view value);
  // Records before `offset` were lost during the scan (retention): open queries they concern
  // become out_of_range.
  void lost_before(int64_t offset);
  bool open() const { return open_ > 0; }
  // The answers; queries still open get `unfinished` (ok after a full scan).
  std::vector<replay_answer> finish(replay_status unfinished);

 private:
  const std::vector<replay_query>& queries_;
  const std::size_t max_records_;
  std::vector<replay_answer> answers_;
  std::vector<bool> open_flags_;
  std::size_t open_ = 0;
};

// What both engines share for latest(): the keys of one partition, searched window by window
// from the newest. A key is settled by the first window (newest first) holding a record of it
// that `accept` takes; within a window the last such record wins.
class latest_search {
 public:
  latest_search(model::kind kind, int32_t partition, const record_accept& accept)
      : kind_(kind), partition_(partition), accept_(accept) {}

  void want(const std::string& key);  // a key on this partition
  bool open() const { return open_ > 0; }
  // One record of the window being read, in offset order.
  void add(int64_t offset, int64_t timestamp_ms, int64_t ingest_us, std::string_view key,
           std::string_view value);
  void end_window();  // keys found in the window are settled
  // The answer for `key` (status applies to the keys still open).
  latest_answer answer(const std::string& key, replay_status unfinished) const;

  // Window after window over [oldest, end), newest first, each read by `read(from, to)` (which
  // calls add() for the records it finds and returns ok, or why it stopped); at most
  // `max_depth` records back. Stops when every key is settled.
  replay_status search(int64_t oldest, int64_t end, std::size_t max_depth,
                       std::chrono::steady_clock::time_point deadline,
                       const std::function<replay_status(int64_t from, int64_t to)>& read);

  static constexpr int64_t first_window = 64;
  static constexpr int64_t max_window = 4096;

 private:
  struct slot {
    std::optional<replayed_record> found;      // settled
    std::optional<replayed_record> candidate;  // in the window being read
  };
  const model::kind kind_;
  const int32_t partition_;
  const record_accept& accept_;
  std::map<std::string, slot, std::less<>> slots_;
  std::size_t open_ = 0;
};

}  // namespace odin::bus
