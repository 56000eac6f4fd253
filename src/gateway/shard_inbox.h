#pragma once
// The hand-off from the dispatcher to one shard: a bounded single-producer/single-consumer
// queue of frame references plus a "drain scheduled" flag, so the dispatcher posts one drain
// handler per burst instead of one per record.
//
// Protocol: the dispatcher push()es, then wake()s (at the end of each batch and before waiting
// on a full inbox). The shard's drain handler calls begin_drain() BEFORE popping: a record
// pushed after the flag was cleared triggers a new post, one pushed before is popped by this
// drain. Both sides use an acq_rel exchange on the flag, so a push is always seen.
#include <atomic>
#include <cstddef>
#include <functional>
#include <utility>

#include <boost/lockfree/spsc_queue.hpp>

#include "gateway/frame.h"

namespace odin::gateway {

class shard_inbox {
 public:
  // `schedule_drain` posts the shard's drain handler (called from the dispatcher thread).
  shard_inbox(std::size_t capacity, std::function<void()> schedule_drain)
      : capacity_(capacity < 2 ? 2 : capacity),
        queue_(capacity_),
        schedule_drain_(std::move(schedule_drain)) {}
  ~shard_inbox() {
    frame* f = nullptr;
    while (queue_.pop(f)) f->release();
  }
  shard_inbox(const shard_inbox&) = delete;
  shard_inbox& operator=(const shard_inbox&) = delete;

  // --- dispatcher thread
  bool push(frame* f) { return queue_.push(f); }
  void wake() {
    if (!scheduled_.exchange(true, std::memory_order_acq_rel)) schedule_drain_();
  }
  std::size_t room() const { return queue_.write_available(); }
  std::size_t capacity() const { return capacity_; }

  // --- shard thread
  void begin_drain() { scheduled_.exchange(false, std::memory_order_acq_rel); }
  std::size_t pop(frame** out, std::size_t max) { return queue_.pop(out, max); }
  bool empty() const { return queue_.read_available() == 0; }

 private:
  std::size_t capacity_;
  boost::lockfree::spsc_queue<frame*> queue_;
  std::function<void()> schedule_drain_;
  std::atomic<bool> scheduled_{false};
};

}  // namespace odin::gateway
