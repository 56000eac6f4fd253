#include "gateway/shard.h"

#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <array>
#include <stdexcept>

#include <boost/asio/post.hpp>

#include "common/thread_name.h"
#include "gateway/http_connection.h"
#include "gateway/private_channel.h"
#include "gateway/session.h"
#include "protocol/ws_codec.h"

namespace odin::gateway {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
log_limiter accept_error_log{std::chrono::seconds(1)};

}  // namespace

shard::shard(std::size_t id, context& ctx)
    : ctx_(ctx),
      id_(id),
      services_(*this, ctx, io_),
      inbox_(ctx.opts.shard_inbox_frames, [this] { asio::post(io_, [this] { drain(); }); }),
      work_(asio::make_work_guard(io_)),
      acceptor_(io_),
      accept_retry_(io_),
      guard_timer_(io_),
      flush_timer_(io_),
      window_(ctx.opts.flush_interval, ctx.opts.flush_adaptive, ctx.now()) {}

shard::~shard() {
  join();
  // Whatever is left after the thread stopped (stop timed out): close hard.
  std::vector<std::shared_ptr<session>> left;
  for (auto& [ptr, owner] : sessions_) left.push_back(owner);
  for (auto& s : left) s->abort();
  sessions_.clear();
  services_.dirty_.clear();
  deferred_.clear();
  retired_.clear();
}

void shard::listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.set_option(reuse_port(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) acceptor_.non_blocking(true, ec);  // accept_waiting(): synchronous accepts never block
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    throw std::runtime_error("gateway: cannot listen on " + endpoint.address().to_string() + ":" +
                             std::to_string(endpoint.port()) + ": " + ec.message());
  }
}

void shard::start() {
  do_accept();
  if (guard_enabled_) arm_guard_timer();
  thread_ = std::thread([this] {
    name_this_thread("odin-io-" + std::to_string(id_));
    io_.run();
  });
}

void shard::begin_stop() {
  asio::post(io_, [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
    guard_timer_.cancel();
    std::vector<std::shared_ptr<session>> open;
    open.reserve(sessions_.size());
    for (auto& [ptr, owner] : sessions_) open.push_back(owner);
    for (auto& s : open)
      s->close(protocol::ws::close_code::going_away, "server shutting down", false);
  });
}

void shard::stop_io() {
  work_.reset();
  io_.stop();
}

void shard::join() {
  if (thread_.joinable()) thread_.join();
}

void shard::add_session(std::shared_ptr<session> s) {
  session* key = s.get();
  sessions_.emplace(key, std::move(s));
  session_count_.store(sessions_.size(), std::memory_order_release);
}

void shard::remove_session(session* s) {
  auto it = sessions_.find(s);
  if (it == sessions_.end()) return;
  // Drop the registry's reference from a fresh handler (the caller is a member of `s`), and
  // not while a deferred flush may still name `s`.
  retired_.push_back(std::move(it->second));
  sessions_.erase(it);
  session_count_.store(sessions_.size(), std::memory_order_release);
  post_release();
}

void shard::release_retired() {
  release_posted_ = false;
  if (!flush_armed_) retired_.clear();  // else flush_deferred() posts this again
}

void shard::do_accept() {
  acceptor_.async_accept(io_, [this](const boost::system::error_code& ec, tcp::socket socket) {
    if (!acceptor_.is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {
      if (auto suppressed = accept_error_log.allow()) {
        spdlog::warn("gateway: accept failed on shard {}: {} ({} more suppressed)", id_,
                     ec.message(), *suppressed);
      }
      accept_retry_.expires_after(std::chrono::milliseconds(10));
      accept_retry_.async_wait([this](const boost::system::error_code& e) {
        if (!e) do_accept();
      });
      return;
    }
    adopt(std::move(socket));
    accept_waiting();
    do_accept();
  });
}

void shard::accept_waiting() {
  for (std::size_t i = 1; i < accept_batch; ++i) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (ec) return;  // would_block: the queue is empty; an error: the async accept reports it
    adopt(std::move(socket));
  }
}

void shard::adopt(tcp::socket socket) {
  std::make_shared<http_connection>(*this, std::move(socket))->start();
}

// Hot path: runs once per burst of records. See the header for the two phases.
void shard::drain() {
  const auto start = ctx_.now();
  inbox_.begin_drain();
  std::array<frame*, 64> batch;
  std::size_t frames = 0;
  std::size_t deliveries = 0;
  {
    // Subscriber spans stay valid while this lives: the index refuses changes (debug builds
    // abort) and sessions see in_drain(), so their writes wait for flush_dirty().
    const auto walking = services_.index_.iterate();
    while (frames < drain_frame_limit && deliveries < drain_delivery_limit) {
      const std::size_t n = inbox_.pop(batch.data(), batch.size());
      if (n == 0) break;
      for (std::size_t i = 0; i < n; ++i) deliveries += deliver(batch[i]);
      frames += n;
    }
  }
  const bool backlog = !inbox_.empty();
  flush_dirty(start, backlog);
  if (backlog) inbox_.wake();  // more than one turn's worth: continue in a new turn
}

void shard::drain_frames(std::span<frame* const> frames, bool backlog) {
  const auto start = ctx_.now();
  {
    const auto walking = services_.index_.iterate();  // as in drain()
    for (frame* f : frames) deliver(f);
  }
  flush_dirty(start, backlog);
}

// Per session, Nagle-like: a session not written within the current window is written now
// (a calm client pays no added latency); one written more recently waits in deferred_ until
// the shard's timer, at most one window from now, so a busy client gets one sendmsg per window
// carrying everything that arrived in it. The window is 0 until the shard is saturated
// (flush_window.h), so then every dirty session is written at the end of its turn.
void shard::flush_dirty(std::chrono::steady_clock::time_point start, bool backlog) {
  const auto window = window_.current();
  const auto now = ctx_.now();
  std::vector<session*>& dirty = services_.dirty_;
  for (std::size_t i = 0; i < dirty.size(); ++i) {
    session* s = dirty[i];
    if (window.count() == 0 || now - s->last_write() >= window) {
      s->flush();
    } else {
      deferred_.push_back(s);
      services_.stats_.deferred_writes.add();
    }
  }
  dirty.clear();
  if (!deferred_.empty() && !flush_armed_) {
    flush_armed_ = true;
    flush_timer_.expires_after(window);
    flush_timer_.async_wait([this](const boost::system::error_code&) {
      flush_deferred();  // also when cancelled: nothing is left unwritten
    });
  }
  note_busy(start, backlog);
  post_release();
}

void shard::flush_deferred() {
  const auto start = ctx_.now();
  flush_armed_ = false;
  for (std::size_t i = 0; i < deferred_.size(); ++i) deferred_[i]->flush();
  deferred_.clear();
  note_busy(start, false);
  post_release();
}

void shard::note_busy(std::chrono::steady_clock::time_point start, bool backlog) {
  window_.on_turn(start, ctx_.now(), backlog);
  services_.stats_.flush_window_us.set(window_.current().count());
  services_.stats_.flush_window_openings.set(static_cast<int64_t>(window_.openings()));
}

void shard::post_release() {
  if (!retired_.empty() && !release_posted_) {
    release_posted_ = true;
    asio::post(io_, [this] { release_retired(); });
  }
}

// A public frame goes to the channel's subscribers. A private frame (one with an owner, a
// balances event) also goes to its owner's own subscriptions (private_channel.h); the plain
// channel's subscribers of a private channel are admins (or anyone, WS_PUBLIC_BALANCES).
std::size_t shard::deliver(frame* f) {
  const subscription_index<session>& index = services_.index_;
  const auto subscribers = index.subscribers(f->channel());
  std::span<session* const> owners;
  if (!f->owner().empty()) owners = index.subscribers(user_key(key_, f->channel(), f->owner()));
  if (subscribers.empty() && owners.empty()) {
    f->release();
    return 0;
  }
  shard_frame_pool& pool = services_.pool_;
  shard_frame* sf = pool.adopt(f);
  for (session* s : subscribers) s->deliver(sf);
  for (session* s : owners) s->deliver(sf);
  pool.drop(sf);
  return subscribers.size() + owners.size();
}

void shard::arm_guard_timer() {
  guard_timer_.expires_after(ctx_.opts.guard_interval);
  guard_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    ctx_.guard.sample();
    arm_guard_timer();
  });
}

}  // namespace odin::gateway
