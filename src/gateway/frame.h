#pragma once
// An outgoing event frame: WebSocket header + JSON envelope, rendered ONCE by the dispatcher in
// one immutable allocation and shared by every shard and every subscriber.
//
// Ownership: a frame is born with one reference per shard (atomic count). Each shard gives its
// reference back once its sessions are done with the frame (see shard_frame_pool), so the
// atomic count is touched once per shard per record, never per delivery. The last release
// frees the frame, on whichever thread that happens.
#include <atomic>
#include <cstdint>
#include <string_view>

#include "model/kind.h"
#include "protocol/position.h"

namespace odin::gateway {

class frame {
 public:
  frame(const frame&) = delete;
  frame& operator=(const frame&) = delete;

  // The whole frame as it goes on the wire (header + payload).
  std::string_view bytes() const { return {data(), size_}; }
  std::size_t size() const { return size_; }
  // The channel name ("BTC.trade"), a view into the envelope.
  std::string_view channel() const { return {data() + channel_offset_, channel_size_}; }
  // Who may receive the frame: empty = public (every subscriber of the channel). Reserved for
  // owner-only kinds (balances); nothing sets it yet.
  std::string_view owner() const { return {data() + size_, owner_size_}; }
  // When the record entered the bus (µs since the epoch): the envelope's "ts".
  int64_t ts_us() const { return ts_us_; }
  // The record's offset in its partition and its check value (the envelope's "pos"): what
  // recovery uses to join a replay and the live stream without gap or duplicate.
  int64_t offset() const { return offset_; }
  uint32_t check() const { return check_; }
  // The JSON envelope without the WebSocket header.
  std::string_view payload() const { return bytes().substr(header_size_); }

  // Takes one more reference (history, replays; never per delivery).
  void add_ref() { refs_.fetch_add(1, std::memory_order_relaxed); }

  // Gives back one reference; the last one frees the frame.
  void release();
  uint32_t refs() const { return refs_.load(std::memory_order_relaxed); }

 private:
  friend class frame_builder;
  frame(uint32_t refs, uint32_t size, uint16_t owner_size)
      : refs_(refs), size_(size), owner_size_(owner_size) {}
  ~frame() = default;
  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }

  std::atomic<uint32_t> refs_;
  uint32_t size_;
  uint32_t channel_offset_ = 0;
  uint16_t channel_size_ = 0;
  uint16_t owner_size_;
  uint16_t header_size_ = 0;
  uint32_t check_ = 0;
  int64_t ts_us_ = 0;
  int64_t offset_ = 0;
};

// What an event envelope is made of.
struct event_fields {
  std::string_view token;  // a valid token (the record key)
  model::kind kind;
  uint64_t seq = 0;               // per channel, +1 per record, starting at 1
  int64_t ts_us = 0;              // record.ingest_us
  std::string_view data;          // the event JSON, verbatim
  std::string_view owner;         // empty = public
  protocol::stream_position pos;  // kind must equal `kind`
  std::string_view extra;         // members put before "data" (",\"snapshot\":true"), usually none
};

// Renders header + {"type":"event","channel":"<token>.<kind>","seq":N,"ts":T,"pos":"<pos>"
// <extra>,"data":<data>} into a new frame holding `refs` references ("data" is always last).
frame* render_event(const event_fields& e, uint32_t refs);

// The wire bytes of `f` with `extra` members (",\"snapshot\":true") added before its "data":
// a per-session copy (snapshots, conflation), never on the fan-out path.
std::string render_flagged(const frame& f, std::string_view extra);

// Owns one reference of a frame (tests, and frames that never reached a shard).
class frame_ref {
 public:
  frame_ref() = default;
  explicit frame_ref(frame* f) : f_(f) {}
  frame_ref(frame_ref&& o) noexcept : f_(o.f_) { o.f_ = nullptr; }
  frame_ref& operator=(frame_ref&& o) noexcept;
  ~frame_ref() { reset(); }
  frame* get() const { return f_; }
  frame* operator->() const { return f_; }
  frame& operator*() const { return *f_; }
  frame* release() {
    frame* f = f_;
    f_ = nullptr;
    return f;
  }
  void reset();

 private:
  frame* f_ = nullptr;
};

}  // namespace odin::gateway
