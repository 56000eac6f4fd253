#include "loadtest/balance_check.h"

namespace odin::loadtest {

void balance_counts::merge(const balance_counts& o) {
  own += o.own;
  own_in_window += o.own_in_window;
  foreign += o.foreign;
  unchecked += o.unchecked;
}

bool is_balances_channel(std::string_view channel) {
  return channel.ends_with(".balances");
}

void count_balance_event(balance_counts& c, std::string_view sub,
                         std::optional<std::string_view> user, bool in_window) {
  if (sub.empty()) {
    ++c.unchecked;
  } else if (user && *user == sub) {
    ++c.own;
    if (in_window) ++c.own_in_window;
  } else {
    ++c.foreign;
  }
}

}  // namespace odin::loadtest
