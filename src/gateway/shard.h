#pragma once
// One I/O thread of the gateway: its own io_context, its own acceptor on the shared port
// (SO_REUSEPORT, so a connection stays on the thread that accepted it), its own sessions, its
// own subscription index and frame pool. Nothing here is locked: the dispatcher talks to a
// shard only through its inbox, and other threads only post to its io_context or read its
// relaxed-atomic stats.
//
// Drain (one handler per burst): pop frames up to the turn's limits; for each, walk the channel's
// subscribers and queue the frame on each (session::deliver marks the session dirty once);
// then flush every dirty session once — one sendmsg of all its pending frames. Writes are
// coalesced per session: a session written less than the shard's flush window ago waits for
// the shard's flush timer (at most one window), so a busy client gets many frames per
// syscall and a calm one gets each frame at once. The window (flush_window.h) is 0 while the
// shard keeps up and grows towards options.flush_interval only when it is saturated.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "gateway/context.h"
#include "gateway/flush_window.h"
#include "gateway/session_services.h"
#include "gateway/shard_frame.h"
#include "gateway/shard_inbox.h"
#include "gateway/stats.h"

namespace odin::gateway {

class session;

class shard {
 public:
  // A drain turn ends after this many frames or deliveries (frame x subscriber), whichever
  // comes first, so sockets get flushed regularly during a burst whatever the fan-out.
  static constexpr std::size_t drain_frame_limit = 4096;
  static constexpr std::size_t drain_delivery_limit = 65536;
  // Connections taken from the listen queue per accept handler (the first by async_accept, the
  // rest by non-blocking accept until it is empty): one per turn let a burst of reconnects
  // overflow the queue while each turn also ran every other ready handler (SYNs dropped, each
  // client retrying after 1 s, 3 s ...; bench/results/reconnect.md).
  static constexpr std::size_t accept_batch = 256;

  shard(std::size_t id, context& ctx);
  ~shard();  // after join(): closes what is left and releases every frame
  shard(const shard&) = delete;
  shard& operator=(const shard&) = delete;

  // Opens this shard's acceptor (SO_REUSEADDR + SO_REUSEPORT). Throws std::runtime_error.
  void listen(const boost::asio::ip::tcp::endpoint& endpoint);
  uint16_t port() const { return port_; }
  // Shard 0 samples the admission guard every options.guard_interval.
  void enable_guard_timer() { guard_enabled_ = true; }

  void start();       // accept loop on a new thread
  void begin_stop();  // any thread: close the acceptor, send every session close 1001
  void stop_io();     // any thread: make the thread return
  void join();
  std::size_t session_count() const { return session_count_.load(std::memory_order_acquire); }

  shard_inbox& inbox() { return inbox_; }
  // Shard thread, the single-shard path (io_dispatch.h): one drain turn over frames rendered
  // on this thread (one reference each, taken over), without the inbox; `backlog`: the bus
  // holds more than this poll took (the shard is behind).
  void drain_frames(std::span<frame* const> frames, bool backlog = false);
  const shard_stats& stats() const { return services_.stats_; }

  // --- shard thread only (HTTP connections; a session sees only services())
  std::size_t id() const { return id_; }
  context& ctx() { return ctx_; }
  boost::asio::io_context& io() { return io_; }
  shard_stats& stats() { return services_.stats_; }
  session_services& services() { return services_; }  // what its sessions are built with
  void add_session(std::shared_ptr<session> s);

 private:
  friend class session_services;  // retire() -> remove_session()

  void remove_session(session* s);
  void do_accept();
  void accept_waiting();  // the rest of the accept batch, without blocking
  void adopt(boost::asio::ip::tcp::socket socket);
  void drain();
  std::size_t deliver(frame* f);  // returns the subscriber count
  // End of a drain turn that began at `start`: write now or defer, per session; `backlog`:
  // frames are still waiting (the turn was cut by its limits).
  void flush_dirty(std::chrono::steady_clock::time_point start, bool backlog);
  void flush_deferred();  // the flush timer: write every deferred session
  void note_busy(std::chrono::steady_clock::time_point start, bool backlog);  // -> window_
  void post_release();     // schedule release_retired() if anything is retired
  void release_retired();  // frees removed sessions once no deferred flush names them
  void arm_guard_timer();

  context& ctx_;
  std::size_t id_;
  // Frame pool, stats, subscription index, dirty list, read scratch: the pool outlives
  // everything below that may hold frames.
  session_services services_;
  shard_inbox inbox_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  boost::asio::steady_timer guard_timer_;
  boost::asio::steady_timer flush_timer_;
  flush_window window_;
  boost::unordered_flat_map<session*, std::shared_ptr<session>> sessions_;
  // Removed sessions wait here until no flush is pending (the dirty list may still name them).
  std::vector<std::shared_ptr<session>> retired_;
  std::vector<session*> deferred_;  // dirty, written less than a window ago
  std::string key_;                 // scratch: a private frame's owner key
  std::atomic<std::size_t> session_count_{0};
  uint16_t port_ = 0;
  bool guard_enabled_ = false;
  bool flush_armed_ = false;
  bool release_posted_ = false;
  std::thread thread_;
};

}  // namespace odin::gateway
