#pragma once
// The single-shard path: with one I/O thread the dispatcher has no thread of its own. Its turns
// (poll without waiting, filter, seq, render, history, deliver) run on the shard's io_context,
// and each batch goes straight into the shard's drain (shard::drain_frames) — no inbox, no
// cross-thread hop, one runnable thread for the whole fan-out.
//
// A turn is posted when the consumer signals records (bus::consumer::set_notify: the memory
// bus's append signal, librdkafka's queue event), when the previous turn filled a whole batch
// (more may be waiting; posted, so sockets get their turn in between), and every
// `safety_interval` (what comes without a signal: records present before the hook was set,
// fatal bus errors). One turn is pending at most.
#include <atomic>
#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bus/consumer.h"
#include "gateway/dispatcher.h"

namespace odin::gateway {

class io_dispatch {
 public:
  static constexpr std::chrono::milliseconds safety_interval{100};

  // `disp` must be set to deliver directly (dispatcher::deliver_directly) by the caller.
  io_dispatch(dispatcher& disp, bus::consumer& consumer, boost::asio::io_context& io);
  ~io_dispatch() { stop(); }
  io_dispatch(const io_dispatch&) = delete;
  io_dispatch& operator=(const io_dispatch&) = delete;

  // Before the io_context runs. False (nothing started) when the consumer has no notify hook.
  bool start();
  // Any thread: no turn starts afterwards, the consumer's hook is removed. Idempotent. The
  // timer stays armed until the io_context stops (its handler then does nothing).
  void stop();

 private:
  void schedule();  // any thread
  void turn();      // I/O thread
  void arm_timer();

  dispatcher& disp_;
  bus::consumer& consumer_;
  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> scheduled_{false};
  std::atomic<bool> stopped_{false};
  bool started_ = false;
};

}  // namespace odin::gateway
