#pragma once
// The dispatcher: the gateway's one bus-consumer thread. For each record it checks the key
// (a token) and the value (JSON), assigns the channel's next seq, renders the event frame ONCE
// and hands one reference to every shard through the shard's SPSC inbox.
//
// Backpressure, never loss: when an inbox is full the dispatcher pauses the consumer, waits
// (sleeps of at most 1 ms) until the inbox has room and delivers the record it holds; it
// resumes the consumer once every inbox is below a quarter full. A record it read is
// delivered to every shard, or released only when the gateway stops.
//
// With one shard (io_dispatch.h) there is no thread and no inbox: the shard's I/O thread calls
// run_once() without waiting and each batch goes straight to the shard (deliver_directly()),
// after the history as always; the consumer is then never paused (the loop reads the bus
// only when it gets to it).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "bus/consumer.h"
#include "gateway/history.h"
#include "gateway/log_limiter.h"
#include "gateway/record_filter.h"
#include "gateway/shard_inbox.h"
#include "gateway/stats.h"
#include "gateway/subscription_index.h"

namespace odin::gateway {

class dispatcher {
 public:
  static constexpr std::size_t max_batch = 256;  // records per poll
  // Where each poll's frames go instead of the inboxes (one reference each, to release);
  // `more_waiting`: the poll was full (max_batch records), so the bus holds more.
  using direct_sink = std::function<void(std::span<frame* const>, bool more_waiting)>;

  // `hist` (optional, must outlive the dispatcher) keeps every frame before shards see it.
  // Records with an idempotency key seen on their topic within `duplicate_window` (at most
  // `max_keys` remembered) are dropped as duplicates; 0 = no deduplication.
  dispatcher(bus::consumer& consumer, std::vector<shard_inbox*> inboxes, history* hist = nullptr,
             std::chrono::milliseconds duplicate_window = {}, std::size_t max_keys = 1);
  ~dispatcher() { stop(); }
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;

  void start();  // runs the loop on its own thread
  void stop();   // wakes the consumer, joins; idempotent

  // Before start() / the first run_once(): hand every batch to `to` on the polling thread
  // instead of the inboxes (the single-shard path; no thread is started then).
  void deliver_directly(direct_sink to);
  bool direct() const { return static_cast<bool>(direct_); }

  // One turn on the caller's thread (tests, io_dispatch): resume check, poll, deliver.
  // Returns how many records the poll handed out (max_batch: more may be waiting).
  std::size_t run_once(std::chrono::milliseconds poll_timeout);

  const dispatcher_stats& stats() const { return stats_; }
  const duplicate_window& duplicates() const { return filter_.duplicates(); }
  bool paused() const { return stats_.paused.value() != 0; }

 private:
  void run();
  void on_record(const bus::record& r);
  void drop(const bus::record& r, drop_reason why);
  void deliver_batch(bool more_waiting);
  bool wait_for_room(shard_inbox& inbox);  // false when stopping
  bool below_low_watermark() const;
  void pause();
  void resume();
  bool stopping() const { return stop_.load(std::memory_order_acquire); }
  static std::array<log_limiter, drop_reason_count> make_drop_logs();

  bus::consumer& consumer_;
  std::vector<shard_inbox*> inboxes_;
  direct_sink direct_;
  history* history_;
  bus::record_sink sink_;
  std::vector<frame*> batch_;
  record_filter filter_;
  duplicate_window::clock::time_point now_;  // read once per poll, for the duplicate window
  boost::unordered_flat_map<std::string, uint64_t, string_hash, string_equal> seq_;
  dispatcher_stats stats_;
  std::array<log_limiter, drop_reason_count> drop_log_ = make_drop_logs();
  log_limiter error_log_{std::chrono::seconds(1)};
  log_limiter pause_log_{std::chrono::seconds(1)};
  log_limiter resume_log_{std::chrono::seconds(1)};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace odin::gateway
