#pragma once
// The gateway's recovery thread: fills a client's gap from the bus when the in-memory history
// does not reach back far enough. Shards submit jobs (never blocking: a lock and a push); the
// thread takes every job waiting, groups them by partition and answers each group with ONE
// replayer fetch — a burst of reconnecting clients becomes one scan per partition, not one
// consumer per client. The live fan-out never waits for it.
//
// A job's answer: the channel's records after the client's position, validated and rendered as
// event frames (seq 0: this instance did not number them; pos as on every instance), or "not
// recovered" (position unknown to the bus, another epoch, over max_events, past the deadline).
// A "latest" job (a snapshot the history cannot give) asks instead for the newest record of the
// channel that passes the gateway's event checks: its partition is searched backwards from the
// end, at most max_events records back and within the deadline, one search per partition for
// every latest job waiting. Its answer: recovered = the search finished, with one frame (the
// record) or none (no event of the channel within that depth).
// `done` runs on the recovery thread; it must hand the result to the job's shard.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bus/replayer.h"
#include "gateway/frame.h"
#include "gateway/record_filter.h"
#include "protocol/position.h"

namespace odin::gateway {

struct recovery_result {
  bool recovered = false;
  bus::replay_status status = bus::replay_status::failed;  // why not, when not
  std::vector<frame_ref> frames;                           // bus order, one reference each
};

struct recovery_job {
  std::string token;
  protocol::stream_position pos;  // the last event the client has (latest: only pos.kind)
  bool latest = false;            // the channel's newest event instead (snapshot)
  std::function<void(recovery_result)> done;
};

class recovery_worker {
 public:
  recovery_worker(bus::replayer& replayer, std::size_t max_events,
                  std::chrono::milliseconds timeout);
  ~recovery_worker() { stop(); }
  recovery_worker(const recovery_worker&) = delete;
  recovery_worker& operator=(const recovery_worker&) = delete;

  void start();
  void stop();  // answers what is still waiting with "not recovered", joins; idempotent
  void submit(recovery_job job);  // any thread

  uint64_t fetches() const { return fetches_.load(std::memory_order_relaxed); }

 private:
  void run();
  void serve(std::vector<recovery_job>& group);
  void serve_latest(std::vector<recovery_job>& group);     // one kind
  void serve_all_latest(std::vector<recovery_job>& jobs);  // takes the latest jobs out
  recovery_result answer(const recovery_job& job, bus::replay_answer& a);

  bus::replayer& replayer_;
  const std::size_t max_events_;
  const std::chrono::milliseconds timeout_;
  record_filter filter_{std::chrono::milliseconds{0}, 1};  // recovery thread only; event checks
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<recovery_job> pending_;
  bool stop_ = false;
  std::atomic<uint64_t> fetches_{0};
  std::thread thread_;
};

}  // namespace odin::gateway
