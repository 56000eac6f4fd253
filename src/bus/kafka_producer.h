#pragma once
// The Kafka side of producer: librdkafka, idempotent with acks=all (options.acks; acks=1/0
// give a plain producer), snappy (options.compression),
// linger.ms / message.timeout.ms from the options, partitioner=murmur2_random (the Java
// client's, see partitioner.h), allow.auto.create.topics=false (the plan's (docs/plan.md)
// allowAutoTopicCreation: false — a typo'd topic fails, it is not created). Each record carries
// the header "odin-ingest-us", and "odin-idempotency-key" when produce_keyed() gives one.
//
// Threads: one background thread serves librdkafka's delivery reports (poll every 50 ms),
// one probes the brokers while they are down (health(), every 250 ms);
// completions run there (or, for an immediate failure, in produce()'s caller, or in the
// thread that calls flush()). produce() and flush() are thread-safe.
//
// Start-up: the constructor does not contact the brokers (it throws only on a configuration
// librdkafka refuses); records queue until the brokers answer or delivery_timeout passes.
// Shutdown: the destructor waits up to options.shutdown_timeout for outstanding acks, purges
// the rest, and completes whatever is left with bus_error::closed — every completion is
// called exactly once. No produce() may run during or after destruction.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <librdkafka/rdkafkacpp.h>
#include <boost/intrusive/list.hpp>

#include "bus/kafka_common.h"
#include "bus/kafka_options.h"
#include "bus/producer.h"

namespace odin::bus {

class kafka_producer final : public producer {
 public:
  explicit kafka_producer(const kafka_options& options);
  ~kafka_producer() override;
  kafka_producer(const kafka_producer&) = delete;
  kafka_producer& operator=(const kafka_producer&) = delete;

  void produce(model::kind kind, std::string_view key, std::string_view value,
               completion done) override;
  void produce_keyed(model::kind kind, std::string_view key, std::string_view value,
                     std::string_view idempotency_key, completion done) override;
  std::size_t flush(std::chrono::milliseconds timeout) override;
  // Disconnected from librdkafka's all-brokers-down error (or a fatal one) until a broker
  // answers again: a metadata probe (every probe_interval while disconnected, on its own
  // thread) or a successful delivery.
  producer_health health() const override;

  // Records queued and not yet completed.
  std::size_t outstanding() const;
  // The librdkafka client (diagnostics and tests: kafka_client_property).
  RdKafka::Handle& client() { return *producer_; }

 private:
  // One produced record awaiting its delivery report; the msg_opaque given to librdkafka.
  struct pending : boost::intrusive::list_base_hook<> {
    explicit pending(completion d) : done(std::move(d)) {}
    completion done;
  };

  class delivery_reports final : public RdKafka::DeliveryReportCb {
   public:
    explicit delivery_reports(kafka_producer& owner) : owner_(owner) {}
    void dr_cb(RdKafka::Message& message) override;

   private:
    kafka_producer& owner_;
  };

  void complete(pending* p, result<delivery, bus_error> outcome);
  void produce_with(model::kind kind, std::string_view key, std::string_view value,
                    std::string_view idempotency_key, completion done);
  RdKafka::ErrorCode enqueue(model::kind kind, std::string_view key, std::string_view value,
                             std::string_view idempotency_key, pending* p);
  void on_error(RdKafka::ErrorCode err, bool fatal);
  void set_connected(bool connected, std::string reason);
  void probe_loop();
  bool wait_outstanding(std::chrono::steady_clock::time_point deadline);
  void poll_loop();

  const kafka_options options_;
  kafka_event_logger events_;
  delivery_reports reports_;
  mutable std::mutex mutex_;  // guards pending_
  std::condition_variable completed_;
  boost::intrusive::list<pending> pending_;
  std::atomic<bool> closing_{false};
  std::atomic<bool> stop_{false};
  std::unique_ptr<RdKafka::Producer> producer_;
  std::thread poller_;

  // Connection state (health()).
  static constexpr std::chrono::milliseconds probe_interval{250};
  mutable std::mutex health_mutex_;
  std::atomic<bool> connected_fast_{true};  // connected_, readable without the mutex
  bool connected_ = true;
  std::string reason_;
  std::chrono::system_clock::time_point since_ = std::chrono::system_clock::now();
  std::mutex probe_mutex_;
  std::condition_variable probe_wake_;
  std::thread prober_;
};

}  // namespace odin::bus
