#pragma once
// The producing side of a run: a librdkafka producer configured like odin's own
// (bus/kafka_common.h: brokers, client id, acks/idempotence, compression, linger, delivery
// timeout, then KAFKA_* extra properties such as security settings), producing telemetry
// points at a target rate (records scheduled at start + i/rate, so a late loop catches up) or
// flat out (a full local queue is waited on, never dropped), each with the headers of
// record_headers.h.
//
// Threads: everything runs on the caller's thread (produce, poll for delivery reports);
// `produced()` may be read from any thread.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "bus/kafka_common.h"
#include "bus/kafka_options.h"
#include "verify/options.h"
#include "verify/telemetry_codec.h"
#include "verify/verify_error.h"

namespace odin::verify {

// The point with sequence number `seq` (symbol VRFY-NN, bid/ask sometimes null).
telemetry_point sample_point(uint64_t seq, int symbols, int64_t now_ms);

class telemetry_producer final : public RdKafka::DeliveryReportCb {
 public:
  // Throws std::invalid_argument when librdkafka refuses a property (start-up).
  telemetry_producer(const bus::kafka_options& kafka, const options& o, std::string run_id);
  ~telemetry_producer() override;

  // Partitions of the topic from the brokers' metadata (error: no answer, no such topic).
  verify_result<int> partitions();
  // One priming record to each partition (explicit partition), flushed.
  verify_result<int> prime(int partitions);
  // Produces until the duration or count is reached; then waits for every delivery report
  // (up to the delivery timeout + 1 s). `on_progress` is called about once a second.
  void run();

  uint64_t produced() const { return produced_.load(std::memory_order_acquire); }
  const std::atomic<uint64_t>& produced_counter() const { return produced_; }
  uint64_t acked() const { return acked_; }
  const std::vector<uint64_t>& failed() const { return failed_; }
  int64_t first_produce_us() const { return first_produce_us_; }
  int64_t last_produce_us() const { return last_produce_us_; }
  std::string first_error() const { return first_error_; }
  std::function<uint64_t()> consumed_so_far;  // for progress lines

  void dr_cb(RdKafka::Message& message) override;

 private:
  void produce_one(uint64_t seq);
  RdKafka::ErrorCode send(const std::string& payload, const std::string& key, int32_t partition,
                          bool prime, uint64_t seq, int64_t ingest_us);
  bool encode(const telemetry_point& p, std::string& out);

  const options options_;
  const std::string run_id_;
  const std::chrono::milliseconds delivery_timeout_;
  bus::kafka_event_logger events_;
  std::unique_ptr<RdKafka::Producer> producer_;
  telemetry_codec codec_;
  std::string payload_;
  std::atomic<uint64_t> produced_{0};
  uint64_t acked_ = 0;
  uint64_t primes_acked_ = 0;
  std::vector<uint64_t> failed_;
  std::string first_error_;
  int64_t first_produce_us_ = 0;
  int64_t last_produce_us_ = 0;
};

}  // namespace odin::verify
