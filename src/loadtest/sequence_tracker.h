#pragma once
// Per-connection sequence checking of the channels a connection subscribed to. Every event
// carries a per-channel sequence number that grows by exactly 1 (docs/protocol.md section 6);
// the first event of a channel on a connection is its baseline. After that:
//   seq == last + 1          in order
//   seq >  last + 1          a gap: the seqs in between are counted lost (for now)
//   seq <= last, not seen    out of order (a late arrival; it is taken off the lost count)
//   seq <= last, seen        duplicate
// Seen-ness is kept for the 64 seqs up to `last`; an older seq, or one before the baseline,
// can't be told apart and counts as out of order.
#include <cstdint>
#include <vector>

namespace odin::loadtest {

enum class verdict : uint8_t { baseline, in_order, gap, out_of_order, duplicate, unexpected };

struct sequence_counts {
  uint64_t gaps = 0;       // events missing between received ones (lost)
  uint64_t tail_loss = 0;  // events missing at the end (see engine: cross-connection check)
  uint64_t duplicates = 0;
  uint64_t out_of_order = 0;
  uint64_t unexpected = 0;  // events on a channel the connection did not subscribe to
  uint64_t loss() const { return gaps + tail_loss; }
  void merge(const sequence_counts& o);
};

class sequence_tracker {
 public:
  // Declares a subscribed channel (an id from the caller's channel table). Idempotent.
  void expect(uint32_t channel);
  bool expects(uint32_t channel) const { return find(channel) != nullptr; }

  verdict observe(uint32_t channel, uint64_t seq, sequence_counts& counts);
  // An event without a number (seq 0: replayed from the bus by an instance that never fanned
  // it out) taken as the channel's next seq. False when the channel has no baseline yet.
  bool assume_next(uint32_t channel);

  // The newest seq seen on `channel`; 0 when none yet (or not subscribed).
  uint64_t last(uint32_t channel) const;
  std::size_t channels() const { return states_.size(); }

  template <class F>  // F(uint32_t channel, uint64_t last_seq) for channels with a baseline
  void for_each_last(F&& f) const {
    for (const state& s : states_) {
      if (s.has_baseline) f(s.channel, s.last);
    }
  }

 private:
  struct state {
    uint32_t channel = 0;
    bool has_baseline = false;
    uint64_t baseline = 0;
    uint64_t last = 0;
    uint64_t seen = 0;  // bit i: seq (last - i) was received
  };
  state* find(uint32_t channel);
  const state* find(uint32_t channel) const;

  std::vector<state> states_;  // sorted by channel id
};

}  // namespace odin::loadtest
