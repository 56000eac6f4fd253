#include "bus/kafka_producer.h"

#include <algorithm>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace odin::bus {
namespace {

using clock = std::chrono::steady_clock;

const std::string& ingest_header_name() {
  static const std::string name(ingest_header);
  return name;
}

const std::string& idempotency_header_name() {
  static const std::string name(idempotency_header);
  return name;
}

std::unique_ptr<RdKafka::Conf> producer_conf(const kafka_options& o, RdKafka::EventCb& events,
                                             RdKafka::DeliveryReportCb& reports) {
  auto conf = make_kafka_conf(o, events);
  // Idempotence (no duplicates or reordering on retry) needs acks=all; with acks=1/0 the
  // operator chose speed over durability and gets the plain producer.
  const bool all_acks = o.acks == "all" || o.acks == "-1";
  set_kafka_property(*conf, "enable.idempotence", all_acks ? "true" : "false");
  set_kafka_property(*conf, "acks", o.acks);
  set_kafka_property(*conf, "compression.codec", o.compression);
  set_kafka_property(*conf, "linger.ms", std::to_string(o.linger.count()));
  set_kafka_property(*conf, "message.timeout.ms", std::to_string(o.delivery_timeout.count()));
  set_kafka_property(*conf, "partitioner", "murmur2_random");
  // docs/plan.md's allowAutoTopicCreation: false. librdkafka's producer default is true: a
  // record for a missing (typo'd) topic would create it with the broker's defaults.
  set_kafka_property(*conf, "allow.auto.create.topics", "false");
  std::string err;
  if (conf->set("dr_cb", &reports, err) != RdKafka::Conf::CONF_OK) {
    throw std::invalid_argument("kafka dr_cb: " + err);
  }
  apply_extra_properties(*conf, o);
  return conf;
}

}  // namespace

kafka_producer::kafka_producer(const kafka_options& options)
    : options_(options),
      events_("producer", [this](RdKafka::ErrorCode err, bool fatal) { on_error(err, fatal); }),
      reports_(*this) {
  auto conf = producer_conf(options_, events_, reports_);
  std::string err;
  producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!producer_) throw std::invalid_argument("kafka producer: " + err);
  poller_ = std::thread([this] { poll_loop(); });
  prober_ = std::thread([this] { probe_loop(); });
}

kafka_producer::~kafka_producer() {
  closing_.store(true);
  if (flush(options_.shutdown_timeout) > 0) {
    spdlog::warn("kafka producer: {} records unacknowledged at shutdown, purging", outstanding());
    producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    wait_outstanding(clock::now() + std::chrono::milliseconds(500));
  }
  stop_.store(true);
  {
    std::lock_guard lock(probe_mutex_);
    probe_wake_.notify_all();
  }
  prober_.join();
  poller_.join();
  producer_.reset();  // no delivery report can arrive after this
  // Whatever librdkafka never reported (in flight when purged) completes as closed.
  while (true) {
    pending* p = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (pending_.empty()) break;
      p = &pending_.front();
    }
    complete(p, failure(bus_error::closed));
  }
}

void kafka_producer::poll_loop() {
  while (!stop_.load()) producer_->poll(50);
}

void kafka_producer::on_error(RdKafka::ErrorCode err, bool fatal) {
  if (fatal) {
    set_connected(false, "fatal producer error: " + RdKafka::err2str(err));
  } else if (err == RdKafka::ERR__ALL_BROKERS_DOWN) {
    set_connected(false, "all brokers are down");
  }
}

void kafka_producer::set_connected(bool connected, std::string reason) {
  {
    std::lock_guard lock(health_mutex_);
    if (connected_ == connected) return;
    connected_ = connected;
    connected_fast_.store(connected, std::memory_order_relaxed);
    reason_ = std::move(reason);
    since_ = std::chrono::system_clock::now();
    if (connected) {
      spdlog::info("kafka producer: a broker answers again; publishing resumes");
    } else {
      spdlog::warn(
          "kafka producer: disconnected ({}); refusing new records until a broker "
          "answers",
          reason_);
    }
  }
  std::lock_guard lock(probe_mutex_);
  probe_wake_.notify_all();
}

producer_health kafka_producer::health() const {
  producer_health h;
  {
    std::lock_guard lock(health_mutex_);
    h.connected = connected_;
    h.reason = reason_;
    h.since = since_;
  }
  h.queued = outstanding();
  return h;
}

// While disconnected: asks for metadata every probe_interval; the first answer means a broker
// is back. (A fatal error is not undone: the producer cannot recover from it.)
void kafka_producer::probe_loop() {
  while (!stop_.load()) {
    bool down = false;
    bool fatal = false;
    {
      std::lock_guard lock(health_mutex_);
      down = !connected_;
      fatal = reason_.starts_with("fatal");
    }
    if (down && !fatal) {
      RdKafka::Metadata* md = nullptr;
      const auto err =
          producer_->metadata(false, nullptr, &md, static_cast<int>(probe_interval.count()));
      delete md;
      if (err == RdKafka::ERR_NO_ERROR) set_connected(true, {});
    }
    std::unique_lock lock(probe_mutex_);
    probe_wake_.wait_for(lock, probe_interval);
  }
}

void kafka_producer::produce(model::kind kind, std::string_view key, std::string_view value,
                             completion done) {
  produce_with(kind, key, value, {}, std::move(done));
}

void kafka_producer::produce_keyed(model::kind kind, std::string_view key, std::string_view value,
                                   std::string_view idempotency_key, completion done) {
  produce_with(kind, key, value, idempotency_key, std::move(done));
}

void kafka_producer::produce_with(model::kind kind, std::string_view key, std::string_view value,
                                  std::string_view idempotency_key, completion done) {
  if (closing_.load()) {
    done(failure(bus_error::closed));
    return;
  }
  auto* p = new pending(std::move(done));
  {
    // Registered before librdkafka sees it: the delivery report may come at once.
    std::lock_guard lock(mutex_);
    pending_.push_back(*p);
  }
  const RdKafka::ErrorCode err = enqueue(kind, key, value, idempotency_key, p);
  if (err != RdKafka::ERR_NO_ERROR) complete(p, failure(to_bus_error(err)));
}

// Hands the record to librdkafka; a full local queue is retried until enqueue_timeout,
// waking on each delivery report (which frees queue space).
RdKafka::ErrorCode kafka_producer::enqueue(model::kind kind, std::string_view key,
                                           std::string_view value, std::string_view idempotency_key,
                                           pending* p) {
  const std::string& topic = options_.topics.topic_of(kind);
  const std::string ingest = std::to_string(now_us());
  RdKafka::Headers* headers = RdKafka::Headers::create();
  headers->add(ingest_header_name(), ingest.data(), ingest.size());
  if (!idempotency_key.empty()) {
    headers->add(idempotency_header_name(), idempotency_key.data(), idempotency_key.size());
  }
  const auto deadline = clock::now() + options_.enqueue_timeout;
  while (true) {
    const RdKafka::ErrorCode err = producer_->produce(
        topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0, headers, p);
    if (err == RdKafka::ERR_NO_ERROR) return err;  // librdkafka owns the headers now
    if (err != RdKafka::ERR__QUEUE_FULL || clock::now() >= deadline) {
      delete headers;
      spdlog::debug("kafka produce to {} failed: {}", topic, RdKafka::err2str(err));
      return err;
    }
    std::unique_lock lock(mutex_);
    completed_.wait_until(lock, std::min(deadline, clock::now() + std::chrono::milliseconds(10)));
  }
}

void kafka_producer::delivery_reports::dr_cb(RdKafka::Message& message) {
  auto* p = static_cast<pending*>(message.msg_opaque());
  if (message.err() != RdKafka::ERR_NO_ERROR) {
    spdlog::debug("kafka delivery to {} failed: {}", message.topic_name(), message.errstr());
    owner_.complete(p, failure(to_bus_error(message.err())));
  } else {
    // A broker acknowledged: it is reachable.
    if (!owner_.connected_fast_.load(std::memory_order_relaxed)) owner_.set_connected(true, {});
    owner_.complete(p, delivery{message.partition(), message.offset()});
  }
}

// Runs the completion, then unlinks it (so flush() returns only after completions ran).
void kafka_producer::complete(pending* p, result<delivery, bus_error> outcome) {
  try {
    p->done(std::move(outcome));
  } catch (const std::exception& e) {
    spdlog::error("kafka producer: a completion threw: {}", e.what());
  }
  {
    std::lock_guard lock(mutex_);
    pending_.erase(pending_.iterator_to(*p));
  }
  completed_.notify_all();
  delete p;
}

std::size_t kafka_producer::flush(std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  producer_->flush(static_cast<int>(timeout.count()));  // also sends lingering batches now
  wait_outstanding(deadline);
  return outstanding();
}

bool kafka_producer::wait_outstanding(clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return completed_.wait_until(lock, deadline, [this] { return pending_.empty(); });
}

std::size_t kafka_producer::outstanding() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace odin::bus
