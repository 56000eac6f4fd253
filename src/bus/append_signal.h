#pragma once
// Wakes the memory bus consumers blocked in poll(): a sequence number bumped on every append
// plus a condition variable. Appends take the mutex only when someone is waiting. Consumers
// polled from an event loop instead register a listener (consumer::set_notify), called on the
// appending thread after every append; the listeners' mutex is taken only when there are some.
// A producer's burst (a simulator tick, an HTTP batch) holds a cork: its appends are visible
// at once, but consumers are woken once, when the cork ends — one consumer turn per burst
// instead of one per record, each woken consumer preempting the producer (bench/README.md).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace odin::bus {

class append_signal {
 public:
  uint64_t sequence() const { return sequence_.load(); }

  // After an append. The seq_cst pair (sequence_ then waiters_, against waiters_ then
  // sequence_ in wait_until's predicate) means a waiter either sees the new sequence or is
  // counted, and then the notify takes the mutex it waits on: no lost wake-up.
  void appended() {
    sequence_.fetch_add(1);
    if (corked_ == this) {
      cork_pending_ = true;
      return;
    }
    wake();
  }

  // Appends made on this thread while a cork of this signal lives wake consumers once, when
  // the outermost cork ends. Corks nest; a cork of another signal inside one is a no-op.
  class cork {
   public:
    explicit cork(append_signal& s) : signal_(corked_ == nullptr || corked_ == &s ? &s : nullptr) {
      if (signal_ == nullptr) return;
      corked_ = signal_;
      ++cork_depth_;
    }
    ~cork() {
      if (signal_ == nullptr || --cork_depth_ != 0) return;
      corked_ = nullptr;
      if (cork_pending_) {
        cork_pending_ = false;
        signal_->wake();
      }
    }
    cork(const cork&) = delete;
    cork& operator=(const cork&) = delete;

   private:
    append_signal* signal_;
  };

  // `fn` (cheap, must not append) runs after every append until removed; one per `owner`.
  void set_listener(const void* owner, std::function<void()> fn) {
    std::lock_guard lock(listeners_mutex_);
    std::erase_if(listeners_, [owner](const auto& l) { return l.first == owner; });
    if (fn) listeners_.emplace_back(owner, std::move(fn));
    listener_count_.store(static_cast<int>(listeners_.size()));
  }

  // After a change a waiter's predicate reads (wake, resume); set that state first.
  void notify_all() {
    { std::lock_guard lock(mutex_); }
    cv_.notify_all();
  }

  // Waits until `pred()` (evaluated under the mutex) is true or `deadline` passes.
  template <class Pred>
  bool wait_until(std::chrono::steady_clock::time_point deadline, Pred pred) {
    std::unique_lock lock(mutex_);
    waiters_.fetch_add(1);
    const bool ok = cv_.wait_until(lock, deadline, pred);
    waiters_.fetch_sub(1);
    return ok;
  }

 private:
  void wake() {
    if (waiters_.load() > 0) notify_all();
    if (listener_count_.load() > 0) call_listeners();
  }

  void call_listeners() {
    std::lock_guard lock(listeners_mutex_);
    for (const auto& l : listeners_) l.second();
  }

  // This thread's cork: which signal, how deep, whether an append waits for its wake-up.
  static inline thread_local append_signal* corked_ = nullptr;
  static inline thread_local int cork_depth_ = 0;
  static inline thread_local bool cork_pending_ = false;

  std::atomic<uint64_t> sequence_{0};
  std::atomic<int> waiters_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<int> listener_count_{0};
  std::mutex listeners_mutex_;
  std::vector<std::pair<const void*, std::function<void()>>> listeners_;
};

}  // namespace odin::bus
