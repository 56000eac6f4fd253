#pragma once
// HTTP statuses as a small fixed set of metric slots, for servers that count answers in
// plain per-thread arrays (the gateway's shards): every status either of our servers sends
// has its slot; anything else shares the last one ("other").
#include <array>
#include <cstddef>
#include <string_view>

namespace odin::http {

inline constexpr std::array<int, 17> counted_statuses = {
    101, 200, 202, 400, 401, 403, 404, 405, 408, 409, 413, 415, 429, 431, 500, 503, 504};
inline constexpr std::size_t status_slot_count = counted_statuses.size() + 1;

constexpr std::size_t status_slot(int status) {
  for (std::size_t i = 0; i < counted_statuses.size(); ++i) {
    if (counted_statuses[i] == status) return i;
  }
  return counted_statuses.size();
}

}  // namespace odin::http
