#pragma once
// Reading back what a partition holds from a given offset: the gateway's recovery source
// beyond its in-memory history (a client's "since"). Separate from consumer: it never moves
// the live consumer, and one call serves many clients at once.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

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

class replayer {
 public:
  virtual ~replayer() = default;

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

}  // namespace odin::bus
