#include "gateway/session.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <climits>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "common/clock.h"
#include "gateway/private_channel.h"
#include "gateway/session_services.h"
#include "model/channel.h"

namespace odin::gateway {
namespace asio = boost::asio;
namespace ws = protocol::ws;

namespace {
constexpr int reads_per_wakeup = 4;
}  // namespace

session::session(session_services& shard, asio::ip::tcp::socket socket, std::string peer,
                 identity who)
    : shard_(shard),
      socket_(std::move(socket)),
      peer_(std::move(peer)),
      identity_(std::move(who)),
      parser_(shard.ctx().opts.max_message_bytes),
      queue_(shard.pool()) {}

session::~session() {
  queue_.clear();
  report_queue_bytes();
}

// Keeps the shard's ws_outbound_queue_bytes gauge in step with this queue (a relaxed
// load + store on a shard-local counter).
void session::report_queue_bytes() {
  const auto now = static_cast<int64_t>(queue_.bytes());
  shard_.stats().outbound_queue_bytes.add(now - queued_bytes_reported_);
  queued_bytes_reported_ = now;
}

void session::enable_deflate() {
  deflate_ = true;
  parser_.allow_compressed(true);
  shard_.stats().deflate_connections.add();
}

void session::start(std::string handshake, std::string_view early) {
  boost::system::error_code ec;
  socket_.native_non_blocking(true, ec);
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  shard_.stats().connections_total.add();
  shard_.stats().active_connections.add(1);
  queue_.push(std::move(handshake));
  arm_expiry();
  if (!early.empty()) consume_input(early);
  flush();
  if (state_ != state::closed) do_read();
}

void session::deliver(shard_frame* f) {
  if (state_ != state::open) return;
  if (pending_ != nullptr && hold_for_catch_up(f)) return;
  if (!seams_.empty() && behind_seam(*f->f)) return;
  if (!latest_.empty() && latest_.contains(f->f->channel())) {
    queue_latest(f);
  } else {
    const bool z = deflate_ && shard_.compressed(f);
    if (over_queue_limit(f->bytes(z).size())) return;
    shard_.pool().hold(f);
    queue_.push(f, z);
  }
  report_queue_bytes();
  if (!dirty_) {
    dirty_ = true;
    shard_.mark_dirty(this);
  }
}

// A conflatable channel is exempt from the 4008 rule: below half of max_queue_bytes its frames
// queue as usual; past it each one replaces the channel's pending events, so the queue holds at
// most one frame per conflatable channel beyond the half mark.
void session::queue_latest(shard_frame* f) {
  shard_.pool().hold(f);
  const bool z = deflate_ && shard_.compressed(f);
  if (queue_.bytes() <= shard_.ctx().opts.max_queue_bytes / 2) return queue_.push(f, z);
  if (const std::size_t removed = queue_.push_latest(f, z); removed > 0) {
    shard_.stats().conflated_events.add(removed);
  }
}

// Replayed and held live frames (session_recovery.cc): compressed like live ones.
void session::push_event(shard_frame* f) {
  queue_.push(f, deflate_ && shard_.compressed(f));
}

void session::send_owned(std::string bytes) {
  if (state_ != state::open || over_queue_limit(bytes.size())) return;
  queue_.push(std::move(bytes));
  report_queue_bytes();
}

// The slow-client rule: when `more` bytes would pass max_queue_bytes, drop what is queued and
// close with 4008. A frame bigger than the limit still goes out when nothing else is queued.
bool session::over_queue_limit(std::size_t more) {
  const std::size_t limit = shard_.ctx().opts.max_queue_bytes;
  const std::size_t queued = queue_.bytes() + (pending_ != nullptr ? pending_->live_bytes : 0);
  if (queued == 0 || queued + more <= limit) return false;
  shard_.stats().slow_client_disconnects.add();
  spdlog::warn("gateway: slow client {} disconnected (4008): {} bytes queued, limit {}", peer_,
               queue_.bytes(), limit);
  close(ws::close_code::slow_client, "slow client", true);
  return true;
}

// Called for a dirty session by the shard's (coalesced) flush, after every read and on
// writability. Writes with sendmsg() straight on the non-blocking socket: up to IOV_MAX
// frames per syscall.
void session::flush() {
  dirty_ = false;
  if (state_ == state::closed) return;
  if (state_ != state::open && !channels_.empty()) shard_.unsubscribe_all(*this);
  if (write_waiting_) return;
  shard_stats& stats = shard_.stats();
  while (!queue_.empty()) {
    iovec iov[IOV_MAX];
    std::size_t total = 0;
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = queue_.gather(iov, IOV_MAX, total);
    const ssize_t n = ::sendmsg(socket_.native_handle(), &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return wait_writable();
      return teardown();  // peer gone (EPIPE, ECONNRESET ...)
    }
    last_write_ = shard_.ctx().now();
    const consumed done = queue_.consume(static_cast<std::size_t>(n));
    report_queue_bytes();
    stats.bytes_sent.add(static_cast<uint64_t>(n));
    stats.write_calls.add();
    stats.messages_sent.add(done.items);
    stats.events_sent.add(done.events);
    if (done.events > 0) {
      stats.delivery_latency.observe_us(now_us() - done.oldest_event_ts_us);
    }
    if (static_cast<std::size_t>(n) < total) return wait_writable();  // socket buffer full
  }
  if (state_ == state::closing) on_close_written();
}

void session::wait_writable() {
  write_waiting_ = true;
  socket_.async_wait(asio::ip::tcp::socket::wait_write,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       self->write_waiting_ = false;
                       if (!ec) self->flush();
                     });
}

void session::request_flush() {
  if (!shard_.in_drain()) return flush();
  if (!dirty_) {
    dirty_ = true;
    shard_.mark_dirty(this);
  }
}

void session::close(uint16_t code, std::string_view reason, bool drop_queued) {
  if (state_ != state::open) return;
  state_ = state::closing;
  release_catch_up();
  if (drop_queued) queue_.drop_unstarted();
  queue_.push(code == 0 ? ws::make_frame(ws::opcode::close, {})
                        : ws::make_close_frame(code, reason));
  report_queue_bytes();
  auto timeout = shard_.ctx().opts.close_timeout;
  if (code == ws::close_code::going_away)
    timeout = std::min(timeout, shard_.ctx().opts.shutdown_timeout);
  close_timer_ = std::make_unique<asio::steady_timer>(shard_.io());
  close_timer_->expires_after(timeout);
  close_timer_->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->teardown();
  });
  request_flush();
}

void session::on_close_written() {
  if (peer_closed_) return teardown();  // close handshake complete: the server closes TCP
  if (!shut_down_) {
    boost::system::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    shut_down_ = true;
  }
  // The read loop ends it on the client's close frame or EOF; the close timer at the latest.
}

void session::teardown() {
  if (state_ == state::closed) return;
  state_ = state::closed;
  release_catch_up();
  shard_.unsubscribe_all(*this);
  if (close_timer_) close_timer_->cancel();
  if (expiry_timer_) expiry_timer_->cancel();
  boost::system::error_code ec;
  socket_.close(ec);
  queue_.clear();
  report_queue_bytes();
  shard_.stats().active_connections.add(-1);
  connection_slot_.reset();
  shard_.retire(this);
}

void session::do_read() {
  socket_.async_wait(
      asio::ip::tcp::socket::wait_read,
      [self = shared_from_this()](const boost::system::error_code& ec) { self->on_readable(ec); });
}

// Reads until the socket is empty (the reactor is edge-triggered: wait again only after
// EAGAIN), at most reads_per_wakeup times; a client with more waits for the next turn.
void session::on_readable(const boost::system::error_code& ec) {
  if (state_ == state::closed) return;
  if (ec) return teardown();  // the socket was closed
  std::vector<char>& buf = shard_.read_buffer();
  bool drained = false;
  for (int round = 0; round < reads_per_wakeup && !drained; ++round) {
    const ssize_t n = ::recv(socket_.native_handle(), buf.data(), buf.size(), 0);
    if (n > 0) {
      consume_input({buf.data(), static_cast<std::size_t>(n)});
      if (state_ == state::closed) return;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      drained = true;
    } else if (n == 0 || errno != EINTR) {
      return teardown();  // EOF or reset
    }
  }
  flush();
  if (state_ == state::closed) return;
  if (pending_ != nullptr) {  // answered in order: read on once the subscribe is done
    read_paused_ = true;
    return;
  }
  if (drained) return do_read();
  asio::post(shard_.io(), [self = shared_from_this()] { self->on_readable({}); });
}

void session::consume_input(std::string_view input) {
  ws::message m;
  while (state_ != state::closed) {
    switch (parser_.parse(input, m)) {
      case ws::parse_status::need_more:
        return;
      case ws::parse_status::message_ready:
        if (m.compressed && !inflate(m)) return;
        on_message(m);
        break;
      case ws::parse_status::protocol_error:
        return fail(ws::close_code::protocol_error, "protocol error");
      case ws::parse_status::too_big:
        return fail(ws::close_code::message_too_big, "message too big");
    }
  }
}

// Bad input from the client: close with `code`, dropping what is queued; while we are already
// closing there is nobody left to tell, so the connection just ends.
void session::fail(uint16_t code, std::string_view reason) {
  if (state_ != state::open) return teardown();
  close(code, reason, true);
}

// A compressed client message (RFC 7692): inflated within max_message_bytes; past it is the
// same 1009 as an oversized frame, bad DEFLATE data is 1007.
bool session::inflate(ws::message& m) {
  switch (shard_.inflate(m.payload, m.payload)) {
    case ws::inflate_status::ok:
      m.compressed = false;
      return true;
    case ws::inflate_status::too_big:
      fail(ws::close_code::message_too_big, "message too big");
      return false;
    case ws::inflate_status::corrupt:
      fail(ws::close_code::invalid_payload, "invalid compressed data");
      return false;
  }
  return false;
}

void session::on_message(const ws::message& m) {
  if (m.op == ws::opcode::close) {
    if (state_ != state::open) return teardown();  // the answer to our close frame
    peer_closed_ = true;
    // Echo the client's code (none when it sent none), then close the connection.
    return close(m.close_code == 1005 ? 0 : m.close_code, "", true);
  }
  if (state_ != state::open) return;  // closing: only the close frame matters
  switch (m.op) {
    case ws::opcode::text:
      return on_text(m.payload);
    case ws::opcode::binary:
      return close(ws::close_code::unsupported_data, "binary frames are not supported", true);
    case ws::opcode::ping:
      return send_owned(ws::make_frame(ws::opcode::pong, m.payload));
    default:
      return;  // pong: nothing to do
  }
}

void session::on_text(std::string_view text) {
  if (pending_ != nullptr) {  // replies go out in request order
    deferred_requests_.emplace_back(text);
    return;
  }
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    return close(ws::close_code::invalid_payload, "text is not valid UTF-8", true);
  }
  auto parsed = protocol::parse_request(text, {shard_.ctx().opts.max_per_request});
  if (!parsed) {
    const protocol::request_error& e = parsed.error();
    return reply_error(e.code, e.message, e.id_json);
  }
  const protocol::request& req = parsed.value();
  switch (req.type) {
    case protocol::request_type::ping:
      return send_owned(ws::make_frame(ws::opcode::text, protocol::render_pong(req.id_json)));
    case protocol::request_type::subscribe:
      return apply_subscribe(req);
    case protocol::request_type::unsubscribe:
      return apply_unsubscribe(req);
    case protocol::request_type::auth:
      return apply_auth(req);
  }
}

// All or nothing: when the new channels would pass max_subscriptions none is added.
void session::apply_subscribe(const protocol::request& req) {
  std::vector<std::string> names;
  names.reserve(req.channels.size());
  std::size_t fresh = 0;
  for (const model::channel& c : req.channels) {
    names.push_back(model::format_channel(c));
    if (!channels_.contains(names.back())) ++fresh;
  }
  if (!may_subscribe_private()) {
    std::vector<std::string_view> refused;
    for (const std::string& name : names) {
      if (is_private_channel(name)) refused.push_back(name);
    }
    if (!refused.empty()) {
      return reply_error(protocol::error_code::forbidden,
                         fmt::format("balances channels are private: connect with a token "
                                     "(?token= or Authorization: Bearer) to read your own; "
                                     "refused {}",
                                     fmt::join(refused, ", ")),
                         req.id_json);
    }
  }
  const std::size_t limit = shard_.ctx().opts.max_subscriptions;
  if (channels_.size() + fresh > limit) {
    return reply_error(protocol::error_code::too_many_subscriptions,
                       fmt::format("this connection holds {} channels; {} more would pass the "
                                   "limit of {}",
                                   channels_.size(), fresh, limit),
                       req.id_json);
  }
  for (const std::string& name : names) shard_.subscribe(*this, name, req.latest);
  if (!req.since.empty() || req.snapshot) return begin_catch_up(req, std::move(names));
  send_owned(ws::make_frame(ws::opcode::text, protocol::render_subscribed(names, req.id_json)));
}

// All or nothing: when any channel is not held, none is removed and the error lists them.
void session::apply_unsubscribe(const protocol::request& req) {
  std::vector<std::string> names;
  std::vector<std::string> missing;
  names.reserve(req.channels.size());
  for (const model::channel& c : req.channels) {
    names.push_back(model::format_channel(c));
    if (!channels_.contains(names.back())) missing.push_back(names.back());
  }
  if (!missing.empty()) {
    return reply_error(protocol::error_code::not_subscribed,
                       fmt::format("not subscribed to {}", fmt::join(missing, ", ")), req.id_json);
  }
  for (const std::string& name : names) shard_.unsubscribe(*this, name);
  send_owned(ws::make_frame(ws::opcode::text, protocol::render_unsubscribed(names, req.id_json)));
}

void session::reply_error(protocol::error_code code, std::string_view message,
                          std::string_view id) {
  shard_.stats().count_error(code);
  if (code == protocol::error_code::invalid_position) shard_.stats().recoveries_invalid.add();
  send_owned(ws::make_frame(ws::opcode::text, protocol::render_error(code, message, id)));
}

}  // namespace odin::gateway
