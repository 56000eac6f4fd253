#pragma once
// A bus::consumer for gateway tests: a queue the test pushes records into. poll() hands them
// out in push order, nothing while paused; pause()/resume() calls are counted. set_notify()
// is supported (push() calls the hook), so a one-shard gateway reads it on its I/O thread;
// the threads poll() ran on are remembered.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bus/consumer.h"

namespace odin::gateway::test {

class fake_consumer : public bus::consumer {
 public:
  struct stored {
    model::kind kind;
    std::string key;
    std::string value;
    int64_t ingest_us;
    std::string idempotency_key;
  };

  void push(model::kind kind, std::string key, std::string value, int64_t ingest_us,
            std::string idempotency_key = {}) {
    {
      std::lock_guard lock(mutex_);
      pending_.push_back(
          {kind, std::move(key), std::move(value), ingest_us, std::move(idempotency_key)});
    }
    cv_.notify_all();
    std::lock_guard lock(notify_mutex_);
    if (notify_) notify_();
  }

  bool set_notify(std::function<void()> fn) override {
    std::lock_guard lock(notify_mutex_);
    notify_ = std::move(fn);
    return true;
  }
  std::size_t poll_threads() const {
    std::lock_guard lock(mutex_);
    return poll_threads_.size();
  }

  result<std::size_t, bus::bus_error> poll(std::chrono::milliseconds timeout,
                                           std::size_t max_records,
                                           const bus::record_sink& sink) override {
    std::vector<stored> batch;
    {
      std::unique_lock lock(mutex_);
      poll_threads_.insert(std::this_thread::get_id());
      cv_.wait_for(lock, timeout, [&] { return woken_ || (!paused_ && !pending_.empty()); });
      woken_ = false;
      while (!paused_ && !pending_.empty() && batch.size() < max_records) {
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
    }
    for (const stored& s : batch) {
      bus::record r{s.kind,      0,     offset_++, s.ingest_us / 1000,
                    s.ingest_us, s.key, s.value,   s.idempotency_key};
      sink(r);
    }
    handed_ += batch.size();
    return batch.size();
  }

  void pause() override {
    std::lock_guard lock(mutex_);
    paused_ = true;
    ++pauses_;
  }
  void resume() override {
    {
      std::lock_guard lock(mutex_);
      paused_ = false;
      ++resumes_;
    }
    cv_.notify_all();
  }
  void wake() override {
    {
      std::lock_guard lock(mutex_);
      woken_ = true;
    }
    cv_.notify_all();
  }
  bool ready() const override { return ready_.load(); }
  bus::bus_health health() const override {
    std::lock_guard lock(mutex_);
    return health_;
  }
  void set_health(bus::bus_health h) {
    std::lock_guard lock(mutex_);
    health_ = h;
  }
  std::vector<bus::partition_lag> lag() const override {
    std::lock_guard lock(mutex_);
    return {{"odin.trades", 3, static_cast<int64_t>(pending_.size())}};
  }
  uint64_t skipped() const override { return 7; }
  uint64_t commit_errors() const override { return 2; }

  void set_ready(bool r) { ready_ = r; }
  int pauses() const {
    std::lock_guard lock(mutex_);
    return pauses_;
  }
  int resumes() const {
    std::lock_guard lock(mutex_);
    return resumes_;
  }
  bool paused() const {
    std::lock_guard lock(mutex_);
    return paused_;
  }
  std::size_t handed() const { return handed_.load(); }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<stored> pending_;
  bool paused_ = false;
  bool woken_ = false;
  int pauses_ = 0;
  int resumes_ = 0;
  int64_t offset_ = 0;
  bus::bus_health health_;
  std::atomic<std::size_t> handed_{0};
  std::atomic<bool> ready_{true};
  std::set<std::thread::id> poll_threads_;
  std::mutex notify_mutex_;
  std::function<void()> notify_;
};

}  // namespace odin::gateway::test
