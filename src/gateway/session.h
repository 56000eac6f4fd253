#pragma once
// One WebSocket connection, after the upgrade. Lives on one shard and is touched by that
// shard's thread only.
//
// Writes: every outgoing byte (the 101 response, shared event frames, replies, close frames)
// goes through one bounded outbound_queue and leaves with sendmsg() on the non-blocking
// socket — many frames per syscall. On a partial write the rest waits for writability
// (async_wait); one write is in flight at a time.
// Reads: wait for readability, then recv() into the shard's shared buffer until EAGAIN (a
// bounded number of times per wake-up) and feed protocol::ws::frame_parser, which keeps only
// an unfinished frame — no read buffer per connection.
//
// Its shard: a session sees only session_services (session_services.h) — context, io_context,
// stats, frame pool, read scratch, the dirty list, and every subscription change.
//
// Lifetime: the shard's registry holds a shared_ptr from start() to teardown(); pending async
// handlers hold one too. The index and the shard's dirty list hold raw pointers and are
// cleared before the registry lets go (teardown), and the registry's last reference is
// dropped from a posted handler, so a session is never freed inside one of its own calls.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "gateway/admission.h"
#include "gateway/catch_up.h"
#include "gateway/channel_set.h"
#include "gateway/connection_slot.h"
#include "gateway/outbound_queue.h"
#include "gateway/shard_frame.h"
#include "gateway/upgrade_auth.h"
#include "protocol/client_protocol.h"
#include "protocol/ws_codec.h"

namespace odin::gateway {

class session_services;

class session : public std::enable_shared_from_this<session> {
 public:
  // `who`: the identity the upgrade's token established (anonymous by default).
  session(session_services& shard, boost::asio::ip::tcp::socket socket, std::string peer,
          identity who = {});
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // The upgrade negotiated permessage-deflate (RFC 7692; before start()): event frames go out
  // compressed (built once per shard, shared), client messages may arrive compressed.
  void enable_deflate();

  // `handshake` (the 101 response) is written first; `early` are bytes the client sent right
  // after its upgrade request (already read by the HTTP parser).
  void start(std::string handshake, std::string_view early);

  // Drain path: queue one more holder of `f` and mark the session dirty (written by the
  // shard's next, coalesced, flush). A frame that would pass options.max_queue_bytes closes the
  // session as a slow client (4008) instead — except on a conflatable channel ("mode":
  // "latest"), which never closes the session: past half of the limit its pending events are
  // replaced by the newest one (outbound_queue::push_latest).
  void deliver(shard_frame* f);

  // Writes as much of the queue as the socket takes.
  void flush();
  // When a sendmsg last wrote something (the shard's coalescing rule).
  std::chrono::steady_clock::time_point last_write() const { return last_write_; }

  // Graceful close: queue a close frame after what is queued (`drop_queued`: instead of it),
  // shut down once it is written, hard-close after options.close_timeout at the latest.
  void close(uint16_t code, std::string_view reason, bool drop_queued);

  // Hard close now (shutdown that ran out of time).
  void abort() { teardown(); }

  const std::string& peer() const { return peer_; }
  // Keeps the client IP's connection slot (WS_MAX_CONNECTIONS_PER_IP) until the session ends.
  void hold(ip_slot slot) { ip_slot_ = std::move(slot); }
  // Keeps the gateway-wide connection slot (max_connections) until teardown.
  void hold(connection_slot slot) { connection_slot_ = std::move(slot); }
  const identity& who() const { return identity_; }
  std::size_t subscription_count() const { return channels_.size(); }

 private:
  friend class session_services;  // subscription changes: channels_, latest_, identity_

  enum class state : uint8_t { open, closing, closed };

  void do_read();
  void on_readable(const boost::system::error_code& ec);
  void consume_input(std::string_view input);
  void on_message(const protocol::ws::message& m);
  bool inflate(protocol::ws::message& m);             // false: closed (1009 / 1007)
  void fail(uint16_t code, std::string_view reason);  // bad client input: close (or end)
  void push_event(shard_frame* f);  // one holder of `f` to the queue, compressed if negotiated
  void on_text(std::string_view text);
  void apply_subscribe(const protocol::request& req);
  // Recovery and snapshots (session_recovery.cc).
  void begin_catch_up(const protocol::request& req, std::vector<std::string> names);
  void look_up_since(catch_up_channel& c, std::size_t index);
  void look_up_latest(catch_up_channel& c, std::size_t index);
  void take_snapshot(catch_up_channel& c, frame& f);
  std::function<void(struct recovery_result)> answer_on_shard(std::size_t index);
  void on_recovered(std::size_t index, struct recovery_result r);
  void finish_catch_up();
  bool hold_for_catch_up(shard_frame* f);
  bool behind_seam(const frame& f);  // already replayed to this client: drop the live copy
  void push_replayed(frame* f);      // takes over one reference
  void release_catch_up();
  void apply_unsubscribe(const protocol::request& req);
  // Identity (session_identity.cc): `auth` refresh, expiry (4001), private channels.
  void apply_auth(const protocol::request& req);
  void arm_expiry();
  bool may_subscribe_private() const;
  bool may_read(const frame& f) const;              // replays and snapshots of private channels
  bool restricted(std::string_view channel) const;  // a private channel keyed by our sub
  // The subscription index key of `channel` for this session (private_channel.h): the channel
  // itself, or the user key written into `scratch`.
  std::string_view index_key(std::string_view channel, std::string& scratch) const;
  void reply_error(protocol::error_code code, std::string_view message, std::string_view id);
  void send_owned(std::string bytes);  // queue a reply frame (slow-client bound applies)
  bool over_queue_limit(std::size_t more);
  void queue_latest(shard_frame* f);  // a frame of a conflatable channel
  void request_flush();               // flush now, or at the end of the current drain turn
  void wait_writable();
  void report_queue_bytes();
  void on_close_written();
  void teardown();

  session_services& shard_;  // what this session may use of its shard
  boost::asio::ip::tcp::socket socket_;
  std::string peer_;
  ip_slot ip_slot_;                  // released when the session is destroyed
  connection_slot connection_slot_;  // released at teardown
  identity identity_;  // who the token says this is (anonymous: authenticated = false)
  std::unique_ptr<boost::asio::steady_timer> expiry_timer_;  // authenticated sessions only
  protocol::ws::frame_parser parser_;
  outbound_queue queue_;
  // Changed only by session_services (subscribe, unsubscribe, unsubscribe_all, change_identity).
  channel_set channels_;
  channel_set latest_;  // of channels_, those subscribed with "mode": "latest"
  std::unique_ptr<pending_subscribe> pending_;  // a subscribe waiting for its recovery
  // After a replay or snapshot, per channel, the offset it reached: the history is appended
  // before the shards drain, so live copies of replayed frames may still be in our inbox.
  // An entry goes with the first live frame past it (frames of a channel come in offset order).
  std::vector<std::pair<std::string, int64_t>> seams_;
  std::deque<std::string> deferred_requests_;  // requests that arrived meanwhile
  bool read_paused_ = false;                   // no read armed until pending_ is done
  // Armed only while closing: allocated then (most sessions never close from our side
  // before their socket goes; ~120 bytes saved per connection).
  std::unique_ptr<boost::asio::steady_timer> close_timer_;
  std::chrono::steady_clock::time_point last_write_{};
  int64_t queued_bytes_reported_ = 0;  // this session's share of the shard's queue gauge
  state state_ = state::open;
  bool dirty_ = false;
  bool deflate_ = false;  // permessage-deflate negotiated
  bool write_waiting_ = false;
  bool shut_down_ = false;    // shutdown(send) done after our close frame
  bool peer_closed_ = false;  // the client sent its close frame first
};

}  // namespace odin::gateway
