#pragma once
// A shard's handle on a shared frame. The shard owns ONE reference of the frame's atomic count
// and counts its own holders (the drain pass, each session queue holding the frame) with a
// plain integer: per delivery there is no atomic traffic and no allocation. Nodes come from a
// free list that only grows (blocks of 256), so the steady state allocates nothing.
// Shard thread only.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gateway/frame.h"

namespace odin::gateway {

struct shard_frame {
  // permessage-deflate: whether this shard compressed the frame yet (the first delivery to a
  // session that negotiated it decides; session_services::deflated()).
  enum class deflate_state : uint8_t { unknown, built, plain };

  frame* f = nullptr;
  uint32_t holders = 0;
  deflate_state deflate = deflate_state::unknown;
  shard_frame* next_free = nullptr;
  // The compressed variant (whole frame: header with RSV1 + DEFLATE bytes) when `built`. The
  // node keeps the string's capacity (up to 4 KiB) when it goes back to the pool: no
  // allocation per frame in the steady state.
  std::string deflated;

  // The bytes a compressing session gets: the compressed variant once built, else the frame.
  std::string_view bytes(bool compressed) const {
    return compressed ? std::string_view(deflated) : f->bytes();
  }
};

class shard_frame_pool {
 public:
  shard_frame_pool() = default;
  shard_frame_pool(const shard_frame_pool&) = delete;
  shard_frame_pool& operator=(const shard_frame_pool&) = delete;

  // Takes over one reference of `f`; the returned node has one holder (the caller).
  shard_frame* adopt(frame* f) {
    if (free_ == nullptr) grow();
    shard_frame* s = free_;
    free_ = s->next_free;
    s->f = f;
    s->holders = 1;
    s->next_free = nullptr;
    ++live_;
    return s;
  }

  void hold(shard_frame* s) { ++s->holders; }

  // Drops one holder; the last one gives the shard's reference back to the frame.
  void drop(shard_frame* s) {
    if (--s->holders != 0) return;
    s->f->release();
    s->f = nullptr;
    s->deflate = shard_frame::deflate_state::unknown;
    s->deflated.clear();
    if (s->deflated.capacity() > keep_deflated_capacity) std::string().swap(s->deflated);
    s->next_free = free_;
    free_ = s;
    --live_;
  }

  // Nodes currently holding a frame (tests, leak checks).
  std::size_t live() const { return live_; }

 private:
  static constexpr std::size_t block_size = 256;
  // A node keeps a compressed variant's buffer up to this size for the next frame (events
  // are far smaller); a rare big frame's buffer is given back.
  static constexpr std::size_t keep_deflated_capacity = 4096;

  void grow() {
    auto block = std::make_unique<shard_frame[]>(block_size);
    for (std::size_t i = 0; i < block_size; ++i) {
      block[i].next_free = free_;
      free_ = &block[i];
    }
    blocks_.push_back(std::move(block));
  }

  std::vector<std::unique_ptr<shard_frame[]>> blocks_;
  shard_frame* free_ = nullptr;
  std::size_t live_ = 0;
};

}  // namespace odin::gateway
