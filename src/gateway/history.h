#pragma once
// The gateway's in-memory history: the last frames of each channel, so a reconnecting client's
// "since" (and "snapshot") is served without touching the bus. It keeps the very frames the
// dispatcher rendered (one extra reference each, no copy), so a replayed event is byte for
// byte what live subscribers got, seq and pos included.
//
// Bounds: options.per_channel frames per channel (WS_HISTORY_SIZE), options.ttl age by the
// frame's ts (WS_HISTORY_TTL, checked on append) and options.max_bytes in total
// (WS_HISTORY_MAX_BYTES: frame bytes + a fixed overhead per frame; oldest frames of any channel
// go first). A channel's frames are always a contiguous run of its records: eviction takes
// the oldest.
//
// Threads: append() from the dispatcher (one lock per batch of records); lookups from any
// shard (the same lock, held for a copy of pointers).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "gateway/frame.h"
#include "gateway/subscription_index.h"

namespace odin::gateway {

struct history_options {
  std::size_t per_channel = 100;  // 0 = no history
  std::chrono::milliseconds ttl{300000};
  std::size_t max_bytes = 32 * 1024 * 1024;
};

class history {
 public:
  // Counted per frame against max_bytes on top of its size (deque slots, bookkeeping).
  static constexpr std::size_t frame_overhead = 64;

  explicit history(const history_options& options) : options_(options) {}
  ~history();
  history(const history&) = delete;
  history& operator=(const history&) = delete;

  bool enabled() const { return options_.per_channel > 0 && options_.max_bytes > 0; }

  // Dispatcher: keeps each frame (takes over one reference of each), oldest first.
  void append(std::span<frame* const> frames, int64_t now_us);

  enum class lookup : uint8_t {
    found,     // the record at `offset` is held and matches `check`: `out` = frames after it
    unknown,   // not held (older than what is kept, newer than the newest, or no history)
    mismatch,  // the offset lies within what is held but is not that record (another epoch)
  };
  // Frames of `channel` after the record at `offset`, each with one reference for the caller.
  lookup after(std::string_view channel, int64_t offset, uint32_t check,
               std::vector<frame*>& out) const;

  // The newest frame of `channel` with one reference for the caller, or null.
  frame* latest(std::string_view channel) const;
  // The newest frame of `channel` whose owner is `owner` (a private channel's snapshot for
  // one user), with one reference for the caller, or null.
  frame* latest_owned(std::string_view channel, std::string_view owner) const;

  std::size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  std::size_t frames() const { return frames_.load(std::memory_order_relaxed); }

 private:
  struct channel_log {
    std::string name;
    std::deque<frame*> frames;
    uint64_t first_index = 0;  // index of frames.front() among every frame ever appended
    uint32_t queued = 0;       // entries of order_ naming this log
  };
  struct entry {
    channel_log* log;
    uint64_t index;
    int64_t ts_us;
  };

  void add(frame* f);                 // under mutex_
  void evict_oldest();                // under mutex_: the oldest entry of order_
  void drop_front(channel_log& log);  // under mutex_
  void forget_if_unused(channel_log* log);

  const history_options options_;
  mutable std::mutex mutex_;
  boost::unordered_flat_map<std::string, std::unique_ptr<channel_log>, string_hash, string_equal>
      channels_;
  std::deque<entry> order_;  // every held frame in append order (and stale ones, skipped)
  std::size_t held_bytes_ = 0;
  std::atomic<std::size_t> bytes_{0};
  std::atomic<std::size_t> frames_{0};
};

}  // namespace odin::gateway
