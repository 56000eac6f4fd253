#pragma once
// What a session may use of its shard, and nothing else: the gateway context, the shard's
// io_context, stats, frame pool and read scratch, the end-of-turn flush list, and the
// subscription changes. Owned by the shard (its first member: the frame pool must outlive
// every session queue); each session holds a reference. Shard thread only.
//
// The pool, stats and dirty list live here by value, so a session reaches them through one
// reference exactly as it reached the shard's own members before: no extra indirection per
// delivery. The shard's drain reads the same index and dirty list (friend).
//
// Subscriptions change only here: subscribe/unsubscribe/unsubscribe_all/change_identity keep
// the session's own set, the index (under the session's key for the channel: a user's private
// channel is "<channel>\x1f<sub>", private_channel.h) and the ws_subscriptions gauge in step.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "gateway/context.h"
#include "gateway/shard_frame.h"
#include "gateway/stats.h"
#include "gateway/subscription_index.h"
#include "gateway/upgrade_auth.h"
#include "protocol/ws_deflate.h"
#include "protocol/ws_inflate.h"

namespace odin::gateway {

class session;
class shard;

class session_services {
 public:
  session_services(shard& owner, context& ctx, boost::asio::io_context& io);
  session_services(const session_services&) = delete;
  session_services& operator=(const session_services&) = delete;

  context& ctx() const { return ctx_; }
  boost::asio::io_context& io() const { return io_; }
  shard_stats& stats() { return stats_; }
  shard_frame_pool& pool() { return pool_; }
  // Scratch for socket reads, shared by the shard's sessions (each keeps only what its frame
  // parser has not finished).
  std::vector<char>& read_buffer() { return read_buffer_; }

  // True while the shard's drain walks subscriber lists: writes wait for the end of the turn.
  bool in_drain() const { return index_.iterating(); }
  // Written by the shard's flush at the end of the drain turn (the session marks itself once).
  void mark_dirty(session* s) { dirty_.push_back(s); }

  // permessage-deflate: true when `sf` goes out compressed (sf->deflated). The first session
  // that negotiated deflate and is delivered `sf` on this shard builds the variant (one deflate
  // call per frame per shard, shared by every compressing session); a payload under
  // options.compression_min_bytes, or one that does not shrink, stays plain.
  bool compressed(shard_frame* sf) {
    if (sf->deflate == shard_frame::deflate_state::unknown) build_deflated(*sf);
    return sf->deflate == shard_frame::deflate_state::built;
  }
  // A client's compressed message (RFC 7692), inflated into shard scratch bounded by
  // options.max_message_bytes; `out` is valid until the next call.
  protocol::ws::inflate_status inflate(std::string_view compressed, std::string_view& out);

  // Adds `channel` to `s` (false: held already; nothing changes then but the mode). The last
  // subscribe of a channel sets its mode: `latest` ("mode": "latest", conflated) or exact.
  bool subscribe(session& s, std::string_view channel, bool latest);
  // Removes `channel` from `s` (false: not held).
  bool unsubscribe(session& s, std::string_view channel);
  // Every channel of `s` (teardown, and a closing session at its next flush).
  void unsubscribe_all(session& s);
  // Replaces the identity of `s`, re-keying its private channels in the index when their key
  // changes with it (an `auth` refresh).
  void change_identity(session& s, identity next);

  // Teardown's last step: the shard's registry lets `s` go (from a posted handler).
  void retire(session* s);

 private:
  friend class shard;

  void build_deflated(shard_frame& sf);

  shard& owner_;
  context& ctx_;
  boost::asio::io_context& io_;  // the shard's (constructed after this object; used after)
  shard_frame_pool pool_;        // outlives every session queue (see shard.h)
  shard_stats stats_;
  subscription_index<session> index_;
  std::vector<session*> dirty_;
  std::vector<char> read_buffer_;
  std::string key_;                  // scratch: a private channel's index key
  protocol::ws::deflater deflater_;  // zlib state allocated on first use only
  protocol::ws::inflater inflater_;
  std::string inflated_;  // scratch: the last inflated client message
};

}  // namespace odin::gateway
