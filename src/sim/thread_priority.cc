#include "sim/thread_priority.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace odin::sim {

std::string priority_outcome::describe() const {
  if (!batch && !niced) return "unchanged (the system refused SCHED_BATCH and nice)";
  std::string out = batch ? "SCHED_BATCH" : "normal policy";
  out += niced ? ", nice " + std::to_string(background_nice) : ", nice unchanged";
  return out;
}

priority_outcome lower_current_thread_priority() {
  priority_outcome out;
  sched_param param{};
  param.sched_priority = 0;
  out.batch = pthread_setschedparam(pthread_self(), SCHED_BATCH, &param) == 0;
  // setpriority(PRIO_PROCESS, tid) changes this thread only on Linux.
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  const int current = getpriority(PRIO_PROCESS, tid);
  out.niced = current >= background_nice || setpriority(PRIO_PROCESS, tid, background_nice) == 0;
  return out;
}

}  // namespace odin::sim
