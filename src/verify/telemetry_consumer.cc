#include "verify/telemetry_consumer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <thread>

#include "bus/record.h"
#include "verify/record_headers.h"

namespace odin::verify {
namespace {

using clock = std::chrono::steady_clock;

std::unique_ptr<RdKafka::Conf> consumer_conf(const bus::kafka_options& o,
                                             RdKafka::EventCb& events) {
  auto conf = bus::make_kafka_conf(o, events);
  // Its own group per run (manual assignment, nothing committed, so no group is left behind).
  bus::set_kafka_property(
      *conf, "group.id",
      "odin-verify-" + bus::kafka_instance_id(o) + "-" + std::to_string(getpid()));
  bus::set_kafka_property(*conf, "enable.auto.commit", "false");
  bus::set_kafka_property(*conf, "enable.auto.offset.store", "false");
  bus::set_kafka_property(*conf, "fetch.wait.max.ms", std::to_string(o.fetch_wait_max.count()));
  bus::set_kafka_property(*conf, "fetch.min.bytes", "1");
  bus::set_kafka_property(*conf, "enable.partition.eof", "false");
  bus::apply_extra_properties(*conf, o);
  return conf;
}

// The last value of header `name` ("" when absent). A copy: librdkafka's Header owns its
// value, and the Header get_last() returns is a temporary.
std::string header(RdKafka::Message& m, std::string_view name) {
  RdKafka::Headers* headers = m.headers();
  if (headers == nullptr) return {};
  const RdKafka::Headers::Header h = headers->get_last(std::string(name));
  if (h.err() != RdKafka::ERR_NO_ERROR || h.value() == nullptr) return {};
  return {static_cast<const char*>(h.value()), h.value_size()};
}

}  // namespace

std::optional<uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

telemetry_consumer::telemetry_consumer(const bus::kafka_options& kafka, const options& o,
                                       std::string run_id, const std::atomic<uint64_t>& produced)
    : options_(o), run_id_(std::move(run_id)), produced_(produced), events_("verify consumer") {
  auto conf = consumer_conf(kafka, events_);
  std::string err;
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer_) throw std::invalid_argument("kafka consumer: " + err);
}

telemetry_consumer::~telemetry_consumer() {
  expected_.store(0);
  join();
  if (consumer_) consumer_->close();
}

verify_result<int> telemetry_consumer::assign(int partitions) {
  std::vector<RdKafka::TopicPartition*> tps;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0;
    int64_t high = 0;
    const auto err = consumer_->query_watermark_offsets(options_.topic, p, &low, &high,
                                                        static_cast<int>(options_.timeout.count()));
    if (err != RdKafka::ERR_NO_ERROR) {
      for (auto* tp : tps) delete tp;
      return verify_error{fmt::format("end offset of {} [{}]: {} (within {} ms)", options_.topic, p,
                                      RdKafka::err2str(err), options_.timeout.count())};
    }
    tps.push_back(RdKafka::TopicPartition::create(options_.topic, p, high));
  }
  const auto err = consumer_->assign(tps);
  for (auto* tp : tps) delete tp;
  if (err != RdKafka::ERR_NO_ERROR) {
    return verify_error{fmt::format("assigning {}: {}", options_.topic, RdKafka::err2str(err))};
  }
  return partitions;
}

void telemetry_consumer::start() {
  thread_ = std::thread([this] { loop(); });
}

void telemetry_consumer::join() {
  if (thread_.joinable()) thread_.join();
}

bool telemetry_consumer::wait_primed(uint64_t primes, std::chrono::milliseconds timeout) const {
  const auto deadline = clock::now() + timeout;
  while (primes_.load() < primes) {
    if (clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void telemetry_consumer::finish(uint64_t expected, clock::time_point deadline) {
  deadline_ns_.store(deadline.time_since_epoch().count());
  expected_.store(expected);
}

void telemetry_consumer::loop() {
  for (;;) {
    if (ours_.load() >= expected_.load()) return;
    if (clock::now().time_since_epoch().count() >= deadline_ns_.load()) return;
    std::unique_ptr<RdKafka::Message> m(consumer_->consume(50));
    if (m->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      spdlog::debug("verify consumer: {}", m->errstr());
      continue;
    }
    handle(*m);
  }
}

bool telemetry_consumer::valid(const RdKafka::Message& m) {
  const std::string_view value(static_cast<const char*>(m.payload()), m.len());
  const std::string_view key =
      m.key_pointer() != nullptr
          ? std::string_view(static_cast<const char*>(m.key_pointer()), m.key_len())
          : std::string_view();
  auto point = options_.format == payload_format::avro ? codec_.decode(value, options_.schema_id)
                                                       : json_.decode(value);
  if (!point) {
    stats_.count_invalid(point.error());
    return false;
  }
  if (point.value().symbol != key) {
    stats_.count_invalid(invalid_reason::key_mismatch);
    return false;
  }
  ++stats_.valid;
  return true;
}

void telemetry_consumer::handle(RdKafka::Message& m) {
  const int64_t now = bus::now_us();
  ++stats_.consumed;
  consumed_.store(stats_.consumed, std::memory_order_relaxed);
  valid(m);  // every record is validated and counted, ours or not
  if (header(m, prime_header) == run_id_) {
    ++stats_.primes;
    primes_.store(stats_.primes);
    return;
  }
  const auto seq = parse_decimal(header(m, seq_header));
  if (header(m, run_header) != run_id_ || !seq ||
      *seq >= produced_.load(std::memory_order_acquire)) {
    ++stats_.foreign;
    return;
  }
  if (!stats_.check_off(*seq)) return;
  ours_.store(stats_.ours);
  const auto ingest = parse_decimal(header(m, bus::ingest_header));
  if (ingest) stats_.latency_us.record(now - static_cast<int64_t>(*ingest));
  if (stats_.first_consume_us == 0) stats_.first_consume_us = now;
  stats_.last_consume_us = now;
}

}  // namespace odin::verify
