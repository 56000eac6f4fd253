#pragma once
// One of the gateway's max_connections WebSocket slots (context::connections, every shard).
// Taken by http_connection when an upgrade passes the connection limit, moved into the session
// on upgrade, and given back when the session tears down — or when the upgrade is refused
// after the slot was taken (the CPU/RSS guard): whoever drops the slot gives it back, so the
// count cannot leak on any path. Move-only; any thread.
#include <atomic>
#include <cstddef>
#include <utility>

namespace odin::gateway {

class connection_slot {
 public:
  connection_slot() = default;  // holds nothing
  connection_slot(connection_slot&& o) noexcept : count_(std::exchange(o.count_, nullptr)) {}
  connection_slot& operator=(connection_slot&& o) noexcept {
    if (this != &o) {
      reset();
      count_ = std::exchange(o.count_, nullptr);
    }
    return *this;
  }
  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;
  ~connection_slot() { reset(); }

  // One slot of `count` if fewer than `limit` are held; else an empty slot (held() false).
  static connection_slot take(std::atomic<std::size_t>& count, std::size_t limit) {
    if (count.fetch_add(1, std::memory_order_relaxed) >= limit) {
      count.fetch_sub(1, std::memory_order_relaxed);
      return {};
    }
    return connection_slot(&count);
  }

  bool held() const { return count_ != nullptr; }
  void reset() {
    if (count_ != nullptr) std::exchange(count_, nullptr)->fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  explicit connection_slot(std::atomic<std::size_t>* count) : count_(count) {}

  std::atomic<std::size_t>* count_ = nullptr;
};

}  // namespace odin::gateway
