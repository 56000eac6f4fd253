#pragma once
// A consumer of the memory bus (made by memory_bus::make_consumer()). It keeps its own next
// offset per partition, starting at the latest, and hands records out as views into the
// logs (no copy, no allocation per record). poll() is for one thread at a time; the other
// methods are thread-safe.
#include <atomic>
#include <memory>

#include "bus/consumer.h"

namespace odin::bus {

class memory_bus;

class memory_consumer final : public consumer {
 public:
  explicit memory_consumer(memory_bus& bus);
  ~memory_consumer() override;
  memory_consumer(const memory_consumer&) = delete;
  memory_consumer& operator=(const memory_consumer&) = delete;

  result<std::size_t, bus_error> poll(std::chrono::milliseconds timeout, std::size_t max_records,
                                      const record_sink& sink) override;
  void pause() override;
  void resume() override;
  void wake() override;
  bool set_notify(std::function<void()> fn) override;  // called after every append
  bool ready() const override { return true; }
  std::vector<partition_lag> lag() const override;
  uint64_t skipped() const override { return skipped_.load(std::memory_order_relaxed); }
  uint64_t commit_errors() const override { return 0; }

 private:
  std::size_t drain(std::size_t max_records, const record_sink& sink);
  std::size_t deliver(std::size_t slot, std::size_t max_records, const record_sink& sink);

  memory_bus& bus_;
  const std::size_t slots_;                       // kinds × partitions
  std::unique_ptr<std::atomic<int64_t>[]> next_;  // next offset to hand out, per slot
  std::size_t round_robin_ = 0;                   // poll thread only
  std::atomic<bool> paused_{false};
  std::atomic<bool> woken_{false};
  std::atomic<uint64_t> skipped_{0};
};

}  // namespace odin::bus
