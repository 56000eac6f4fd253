#include "verify/run_stats.h"

#include <numeric>

namespace odin::verify {

uint64_t run_stats::invalid() const {
  return std::accumulate(invalid_by_reason.begin(), invalid_by_reason.end(), uint64_t{0});
}

bool run_stats::check_off(uint64_t seq) {
  if (seq >= seen.size()) seen.resize(std::max<uint64_t>(seq + 1, seen.size() * 2));
  if (seen[seq]) {
    ++duplicates;
    return false;
  }
  seen[seq] = true;
  ++ours;
  return true;
}

uint64_t run_stats::lost(uint64_t produced, const std::vector<uint64_t>& failed) const {
  std::vector<bool> excused(produced, false);
  for (uint64_t seq : failed) {
    if (seq < produced) excused[seq] = true;
  }
  uint64_t n = 0;
  for (uint64_t seq = 0; seq < produced; ++seq) {
    if (!excused[seq] && (seq >= seen.size() || !seen[seq])) ++n;
  }
  return n;
}

}  // namespace odin::verify
