#pragma once
// A shard's subscription index: channel name → its subscribers. A subscriber appears at most
// once per channel, so overlapping subscriptions (a bundle and a channel naming the same
// "BTC.trade") deliver each frame once. Every operation is O(1): subscribers of a channel are
// a dense vector (the fan-out loop walks it), and a per-channel position map makes removal a
// swap-and-pop. Each shard owns one index and touches it from its own thread only: no lock.
//
// subscribers() spans are valid until the next add/remove. The shard's drain walks them while
// delivering, so it holds an iteration scope (iterate()) for the walk: add/remove inside it is a
// bug (a session changing its subscriptions from its deliver()) and debug builds abort with a
// message, as uWebSockets' TopicTree::checkIteratingSubscriber does. iterating() is kept in
// every build (one store at each end of a drain turn, nothing per delivery): it is also the
// shard's "in a drain" flag.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

namespace odin::gateway {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct string_equal {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

template <class Subscriber>
class subscription_index {
 public:
  // While alive, the index is being iterated: add/remove are refused (debug: abort).
  class iteration {
   public:
    explicit iteration(subscription_index& index) : index_(index) { index_.iterating_ = true; }
    ~iteration() { index_.iterating_ = false; }
    iteration(const iteration&) = delete;
    iteration& operator=(const iteration&) = delete;

   private:
    subscription_index& index_;
  };

  [[nodiscard]] iteration iterate() { return iteration(*this); }
  bool iterating() const { return iterating_; }

  // False when `s` already holds `channel`.
  bool add(std::string_view channel, Subscriber* s) {
    check_not_iterating();
    auto it = channels_.find(channel);
    if (it == channels_.end()) it = channels_.emplace(std::string(channel), entry{}).first;
    entry& e = it->second;
    if (!e.position.emplace(s, static_cast<uint32_t>(e.subscribers.size())).second) return false;
    e.subscribers.push_back(s);
    ++size_;
    return true;
  }

  // False when `s` does not hold `channel`. An emptied channel is forgotten.
  bool remove(std::string_view channel, Subscriber* s) {
    check_not_iterating();
    auto it = channels_.find(channel);
    if (it == channels_.end()) return false;
    entry& e = it->second;
    auto pos = e.position.find(s);
    if (pos == e.position.end()) return false;
    const uint32_t at = pos->second;
    e.position.erase(pos);
    Subscriber* last = e.subscribers.back();
    e.subscribers.pop_back();
    if (last != s) {
      e.subscribers[at] = last;
      e.position[last] = at;
    }
    --size_;
    if (e.subscribers.empty()) channels_.erase(it);
    return true;
  }

  // The subscribers of `channel` (empty when none). Valid until the next add/remove.
  std::span<Subscriber* const> subscribers(std::string_view channel) const {
    auto it = channels_.find(channel);
    if (it == channels_.end()) return {};
    return it->second.subscribers;
  }

  bool contains(std::string_view channel, Subscriber* s) const {
    auto it = channels_.find(channel);
    return it != channels_.end() && it->second.position.contains(s);
  }

  std::size_t channel_count() const { return channels_.size(); }
  std::size_t size() const { return size_; }  // (channel, subscriber) pairs

 private:
  struct entry {
    std::vector<Subscriber*> subscribers;
    boost::unordered_flat_map<Subscriber*, uint32_t> position;
  };

  void check_not_iterating() const {
#ifndef NDEBUG
    if (iterating_) {
      std::fputs("subscription_index: add/remove while a drain iterates the subscribers\n", stderr);
      std::abort();
    }
#endif
  }

  boost::unordered_flat_map<std::string, entry, string_hash, string_equal> channels_;
  std::size_t size_ = 0;
  bool iterating_ = false;
};

}  // namespace odin::gateway
