#pragma once
// The simulator is a load source, not the product: its thread yields the CPU to the gateway's
// fan-out. On one CPU (`odin dev` pinned to one core, a 1-CPU container) a simulator thread
// at the same priority preempts the I/O thread at every burst; at SCHED_BATCH (the scheduler
// treats it as CPU-bound: no wake-up preemption) and nice 10 (about a tenth of the weight of a
// nice-0 thread) it runs in the gaps. Its events carry the time they were made, so any delay
// shows in the measured latency rather than hiding.
#include <string>

namespace odin::sim {

inline constexpr int background_nice = 10;

struct priority_outcome {
  bool batch = false;            // SCHED_BATCH set
  bool niced = false;            // nice background_nice set
  std::string describe() const;  // "SCHED_BATCH, nice 10" / "unchanged (…)"
};

// Applies to the calling thread only (Linux: nice is per thread). Never fails hard: a refused
// change is reported in the outcome.
priority_outcome lower_current_thread_priority();

}  // namespace odin::sim
