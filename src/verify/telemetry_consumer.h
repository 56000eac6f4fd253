#pragma once
// The consuming side of a run: an independent librdkafka KafkaConsumer (its own group id
// `odin-verify-<host>-<pid>`, nothing committed) tuned for latency — fetch.wait.max.ms from
// KAFKA_FETCH_WAIT_MAX_MS (10 ms by default), fetch.min.bytes=1 — assigned by hand to every
// partition of the topic at the end offsets resolved before anything is produced, so every
// record of the run is read and nothing older is. Each record is validated (Avro: wire header
// + decode with the schema; JSON: the JSON form) and its key compared with its symbol; this
// run's records are checked off by sequence number and give one latency sample each.
//
// Threads: start() runs the poll loop on a thread of its own until finish()'s condition holds;
// stats() may be read after join(). The counters of `progress` are readable from any thread.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <librdkafka/rdkafkacpp.h>

#include "bus/kafka_common.h"
#include "bus/kafka_options.h"
#include "verify/json_form.h"
#include "verify/options.h"
#include "verify/run_stats.h"
#include "verify/telemetry_codec.h"
#include "verify/verify_error.h"

namespace odin::verify {

class telemetry_consumer {
 public:
  // `produced` is the producer's running count (sequence numbers at or past it are not ours).
  telemetry_consumer(const bus::kafka_options& kafka, const options& o, std::string run_id,
                     const std::atomic<uint64_t>& produced);
  ~telemetry_consumer();
  telemetry_consumer(const telemetry_consumer&) = delete;
  telemetry_consumer& operator=(const telemetry_consumer&) = delete;

  // Resolves the end offset of each partition and assigns them there.
  verify_result<int> assign(int partitions);
  void start();
  // Waits until `primes` priming records arrived (false after `timeout`).
  bool wait_primed(uint64_t primes, std::chrono::milliseconds timeout) const;
  // Stop once `expected` of this run's records were seen, or at `deadline`.
  void finish(uint64_t expected, std::chrono::steady_clock::time_point deadline);
  void join();

  uint64_t consumed() const { return consumed_.load(std::memory_order_relaxed); }
  const run_stats& stats() const { return stats_; }

 private:
  void loop();
  void handle(RdKafka::Message& m);
  bool valid(const RdKafka::Message& m);

  const options options_;
  const std::string run_id_;
  const std::atomic<uint64_t>& produced_;
  bus::kafka_event_logger events_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  telemetry_codec codec_;
  json_form json_;
  run_stats stats_;
  std::atomic<uint64_t> consumed_{0};
  std::atomic<uint64_t> primes_{0};
  std::atomic<uint64_t> ours_{0};
  std::atomic<uint64_t> expected_{UINT64_MAX};
  std::atomic<int64_t> deadline_ns_{INT64_MAX};
  std::thread thread_;
};

}  // namespace odin::verify
