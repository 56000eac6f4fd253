#pragma once
// A session's outbound queue: references to shared event frames and owned replies (101,
// subscribed, pong, error, close), written in order with as few syscalls as possible
// (gather() → one sendmsg of many iovecs). Bytes are counted so the session can bound it.
// Shard thread only. Allocation-free in the steady state (the item vector keeps its capacity).
#include <sys/uio.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/shard_frame.h"

namespace odin::gateway {

struct consumed {
  std::size_t items = 0;           // items written completely
  std::size_t events = 0;          // of which shared event frames
  int64_t oldest_event_ts_us = 0;  // ts of the first completed event frame; 0 when none
};

class outbound_queue {
 public:
  explicit outbound_queue(shard_frame_pool& pool) : pool_(pool) {}
  ~outbound_queue() { clear(); }
  outbound_queue(const outbound_queue&) = delete;
  outbound_queue& operator=(const outbound_queue&) = delete;

  // Takes over one holder of `f` (the caller did pool.hold()). `compressed`: write its
  // permessage-deflate variant (f->deflated, built) instead of the frame.
  void push(shard_frame* f, bool compressed = false);
  void push(std::string bytes);

  bool empty() const { return head_ == items_.size(); }
  std::size_t bytes() const { return bytes_; }  // queued, not yet written
  std::size_t items() const { return items_.size() - head_; }

  // Fills up to `max` iovecs from the front (the head item from its first unwritten byte).
  // Returns the iovec count; `total` gets their byte sum.
  std::size_t gather(iovec* iov, std::size_t max, std::size_t& total) const;

  // `n` bytes from the front were written.
  consumed consume(std::size_t n);

  // Slow client: drops every item not started yet (a partly written head item stays, else the
  // framing on the wire would break). Returns the bytes dropped.
  std::size_t drop_unstarted();

  // Conflation ("mode": "latest", docs/protocol.md §4): removes every event of f's channel
  // not started yet and queues `f` at the back in their place, rendered per session with
  // "conflated":N (N = events of the channel skipped before it, earlier skips included). With
  // nothing pending on the channel `f` is queued as is (the shared frame, no copy). A partly
  // written head item is never touched. Scans the queue: called only while the client is slow
  // (its queue past half of max_queue_bytes). Takes over one holder of `f`; returns the number
  // of queued events it removed (the ws_conflated_events_total increment).
  // `compressed` as for push(); a conflated rendering always goes uncompressed.
  std::size_t push_latest(shard_frame* f, bool compressed = false);

  void clear();

 private:
  // An event holds `shared`; a reply holds `owned`. A conflated event holds both: `shared`
  // names its channel, `owned` is its per-session rendering with "conflated":`skipped`.
  // `compressed`: the shared frame's permessage-deflate variant is written.
  struct item {
    shard_frame* shared = nullptr;
    std::string owned;
    std::size_t skipped = 0;
    bool compressed = false;
    std::string_view bytes() const {
      return shared != nullptr && owned.empty() ? shared->bytes(compressed)
                                                : std::string_view(owned);
    }
  };

  void finish(item& it);
  void compact();

  shard_frame_pool& pool_;
  std::vector<item> items_;
  std::size_t head_ = 0;         // first unwritten item
  std::size_t head_offset_ = 0;  // bytes of items_[head_] already written
  std::size_t bytes_ = 0;
};

}  // namespace odin::gateway
