#pragma once
// The channels one session holds: a sorted vector of names. Most connections hold a handful,
// where a hash set's first allocation (a group of 15 slots, ~500 bytes) would cost more than
// the session itself; lookups happen only on (un)subscribe, never per delivery.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace odin::gateway {

class channel_set {
 public:
  bool contains(std::string_view name) const {
    const auto it = lower_bound(name);
    return it != names_.end() && *it == name;
  }
  // false when `name` was held already.
  bool insert(std::string_view name) {
    const auto it = lower_bound(name);
    if (it != names_.end() && *it == name) return false;
    names_.emplace(it, name);
    return true;
  }
  // false when `name` was not held.
  bool erase(std::string_view name) {
    const auto it = lower_bound(name);
    if (it == names_.end() || *it != name) return false;
    names_.erase(it);
    return true;
  }
  void clear() {
    names_.clear();
    names_.shrink_to_fit();
  }
  std::size_t size() const { return names_.size(); }
  bool empty() const { return names_.empty(); }
  auto begin() const { return names_.begin(); }
  auto end() const { return names_.end(); }

 private:
  std::vector<std::string>::const_iterator lower_bound(std::string_view name) const {
    return std::lower_bound(names_.begin(), names_.end(), name,
                            [](const std::string& a, std::string_view b) { return a < b; });
  }

  std::vector<std::string> names_;
};

}  // namespace odin::gateway
