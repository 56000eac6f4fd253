#pragma once
// The Kafka side of consumer: one librdkafka KafkaConsumer reading EVERY partition of the 8
// topics (manual assignment through kafka_assigner — a shared consumer group would split the
// tokens between gateway instances), from the latest offset (or options.lookback back).
// group.id = kafka_group_id(options) = "<KAFKA_GROUP_ID>-<KAFKA_INSTANCE_ID or hostname>",
// stable across restarts: offsets are auto-committed for observability only (lag in tools such
// as Console); failures count in commit_errors().
//
// Threads: poll() from one thread at a time (the gateway's bus thread); librdkafka's
// callbacks (error events, commit results) run inside poll(). The assigner runs its own
// thread. pause/resume/wake/ready/lag/skipped/commit_errors are thread-safe.
//
// Start-up never hangs: the constructor only creates the client (throws on a configuration
// librdkafka refuses); ready() turns true once the brokers answered and everything is
// assigned. Broker loss and leader changes are handled by librdkafka (reconnect, metadata
// refresh, fetch from the new leader); they are logged, never returned as errors.
#include <atomic>
#include <deque>
#include <functional>
#include <memory>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include "bus/consumer.h"
#include "bus/kafka_assigner.h"
#include "bus/kafka_common.h"
#include "bus/kafka_options.h"

namespace odin::bus {

// The group id a gateway with these options uses.
std::string kafka_group_id(const kafka_options& options);

class kafka_consumer final : public consumer {
 public:
  explicit kafka_consumer(const kafka_options& options);
  ~kafka_consumer() override;
  kafka_consumer(const kafka_consumer&) = delete;
  kafka_consumer& operator=(const kafka_consumer&) = delete;

  result<std::size_t, bus_error> poll(std::chrono::milliseconds timeout, std::size_t max_records,
                                      const record_sink& sink) override;
  void pause() override { assigner_->pause(); }
  void resume() override { assigner_->resume(); }
  void wake() override;
  // librdkafka's queue event callback (rd_kafka_queue_cb_event_enable): `fn` runs on a
  // librdkafka thread when the consumer queue turns non-empty (records, errors, events).
  bool set_notify(std::function<void()> fn) override;
  bool ready() const override { return assigner_->ready(); }
  bus_health health() const override { return assigner_->health(); }
  std::vector<partition_lag> lag() const override;
  uint64_t skipped() const override { return skipped_.load(std::memory_order_relaxed); }
  uint64_t commit_errors() const override { return commit_errors_.load(); }
  // The librdkafka client (diagnostics and tests: kafka_client_property).
  RdKafka::Handle& client() { return *consumer_; }

 private:
  struct message_deleter {
    void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
  };
  using message_ptr = std::unique_ptr<rd_kafka_message_t, message_deleter>;

  class commit_results final : public RdKafka::OffsetCommitCb {
   public:
    explicit commit_results(std::atomic<uint64_t>& errors) : errors_(errors) {}
    void offset_commit_cb(RdKafka::ErrorCode err,
                          std::vector<RdKafka::TopicPartition*>& offsets) override;

   private:
    std::atomic<uint64_t>& errors_;
  };

  using table_ptr = std::shared_ptr<const kafka_partition_table>;
  enum class step { none, record, error };
  step take(message_ptr m, table_ptr& table, const record_sink& sink);
  void deliver(const rd_kafka_message_t& m, table_ptr& table, const record_sink& sink);
  std::size_t deliver_held(std::size_t max_records, table_ptr& table, const record_sink& sink);
  void on_error_event(RdKafka::ErrorCode err, bool fatal);
  static void on_queue_event(rd_kafka_t* rk, void* opaque);
  void close();

  const kafka_options options_;
  std::atomic<uint64_t> skipped_{0};
  std::atomic<uint64_t> commit_errors_{0};
  std::atomic<bool> woken_{false};
  std::atomic<bool> fatal_{false};
  kafka_event_logger events_;  // the callback objects outlive the client
  commit_results commits_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  rd_kafka_queue_t* queue_ = nullptr;  // the consumer queue, for rd_kafka_queue_yield
  std::unique_ptr<kafka_assigner> assigner_;
  std::deque<message_ptr> held_;
  std::function<void()> notify_;  // set_notify(); replaced only while the callback is off  // read
                                  // while paused; handed out first after resume
};

}  // namespace odin::bus
