// Fuzzes gateway::subscription_index (after uWebSockets' fuzzing/TopicTree.cpp): the input is
// a sequence of operations by a few subscribers on a few channels (or on channel names taken
// from the input), applied both to the index and to a plain reference model (a map of sets).
// After every operation the two must agree:
// - add / remove return true exactly when the model changed;
// - contains() matches the model for the operated pair;
// - size() is the model's number of (channel, subscriber) pairs, channel_count() its number
//   of channels with a subscriber (an emptied channel is forgotten);
// - publish: subscribers() holds each subscriber of the channel exactly once and nobody else,
//   and contains() agrees for each of them.
// Operations, one byte each plus operands:
//   0 subscribe   <sub> <channel>     1 unsubscribe <sub> <channel>
//   2 publish     <channel>           3 unsubscribe from all <sub>
//   4 check every channel the model knows
// <channel>: one byte; below 0xF0 it picks one of the fixed names, else the next
// (byte & 0x0F) bytes of input are the name.
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_require.h"
#include "gateway/subscription_index.h"

namespace {

struct subscriber {
  int id;
};

constexpr std::size_t subscriber_count = 6;
const std::vector<std::string> fixed_names = {
    "BTC.trade",
    "BTC.liquidity",
    "ETH.trade",
    "ETH.orderbook",
    "SOL.trade",
    "",
    std::string("BTC.trade\0x", 11)};  // a NUL inside: names are sized, not C strings

using ::odin::fuzz::require;

class reader {
 public:
  reader(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  std::string channel() {
    const uint8_t b = byte();
    if (b < 0xF0) return fixed_names[b % fixed_names.size()];
    std::string name;
    for (int n = b & 0x0F; n > 0 && !done(); --n) name += static_cast<char>(byte());
    return name;
  }

 private:
  const uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

using index_type = odin::gateway::subscription_index<subscriber>;
using model_type = std::map<std::string, std::set<subscriber*>>;

std::size_t pairs(const model_type& model) {
  std::size_t n = 0;
  for (const auto& [name, subs] : model) n += subs.size();
  return n;
}

void check_channel(const index_type& index, const model_type& model, const std::string& name) {
  const auto span = index.subscribers(name);
  std::set<subscriber*> seen;
  for (subscriber* s : span) {  // as the fan-out loop walks it
    require(seen.insert(s).second, "a subscriber listed twice");
    require(index.contains(name, s), "listed but not contained");
  }
  auto it = model.find(name);
  const std::set<subscriber*> want = it == model.end() ? std::set<subscriber*>{} : it->second;
  require(seen == want, "subscribers differ from the model");
}

void check_totals(const index_type& index, const model_type& model) {
  require(index.size() == pairs(model), "size differs from the model");
  require(index.channel_count() == model.size(), "channel_count differs from the model");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return -1;
  std::vector<subscriber> subs(subscriber_count);
  for (std::size_t i = 0; i < subs.size(); ++i) subs[i].id = static_cast<int>(i);
  index_type index;
  model_type model;
  reader in(data, size);
  while (!in.done()) {
    const uint8_t op = in.byte() % 5;
    if (op == 0 || op == 1) {
      subscriber* s = &subs[in.byte() % subs.size()];
      const std::string name = in.channel();
      if (op == 0) {
        const bool added = model[name].insert(s).second;
        require(index.add(name, s) == added, "add disagrees with the model");
      } else {
        auto it = model.find(name);
        const bool removed = it != model.end() && it->second.erase(s) == 1;
        if (it != model.end() && it->second.empty()) model.erase(it);
        require(index.remove(name, s) == removed, "remove disagrees with the model");
      }
      require(index.contains(name, s) == (op == 0), "contains after add/remove");
      check_channel(index, model, name);
    } else if (op == 2) {
      check_channel(index, model, in.channel());
    } else if (op == 3) {
      subscriber* s = &subs[in.byte() % subs.size()];
      for (auto it = model.begin(); it != model.end();) {
        const bool had = it->second.erase(s) == 1;
        require(index.remove(it->first, s) == had, "remove-all disagrees with the model");
        it = it->second.empty() ? model.erase(it) : std::next(it);
      }
    } else {
      for (const auto& [name, subs_of] : model) check_channel(index, model, name);
    }
    check_totals(index, model);
  }
  // Tear down like a shard whose sessions all close: the index ends empty.
  for (auto& [name, subs_of] : model) {
    for (subscriber* s : subs_of) require(index.remove(name, s), "final remove");
  }
  require(index.size() == 0 && index.channel_count() == 0, "not empty at the end");
  return 0;
}
