#include "verify/telemetry_producer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "bus/record.h"
#include "verify/json_form.h"
#include "verify/record_headers.h"

namespace odin::verify {
namespace {

using clock = std::chrono::steady_clock;

std::unique_ptr<RdKafka::Conf> producer_conf(const bus::kafka_options& o, RdKafka::EventCb& events,
                                             RdKafka::DeliveryReportCb& reports) {
  auto conf = bus::make_kafka_conf(o, events);
  const bool all_acks = o.acks == "all" || o.acks == "-1";
  bus::set_kafka_property(*conf, "enable.idempotence", all_acks ? "true" : "false");
  bus::set_kafka_property(*conf, "acks", o.acks);
  bus::set_kafka_property(*conf, "compression.codec", o.compression);
  bus::set_kafka_property(*conf, "linger.ms", std::to_string(o.linger.count()));
  bus::set_kafka_property(*conf, "message.timeout.ms", std::to_string(o.delivery_timeout.count()));
  bus::set_kafka_property(*conf, "partitioner", "murmur2_random");
  bus::set_kafka_property(*conf, "allow.auto.create.topics", "false");  // producer default: true
  std::string err;
  if (conf->set("dr_cb", &reports, err) != RdKafka::Conf::CONF_OK) {
    throw std::invalid_argument("kafka dr_cb: " + err);
  }
  bus::apply_extra_properties(*conf, o);
  return conf;
}

void* opaque_of(bool prime, uint64_t seq) {
  return prime ? nullptr : reinterpret_cast<void*>(static_cast<uintptr_t>(seq + 1));
}

}  // namespace

telemetry_point sample_point(uint64_t seq, int symbols, int64_t now_ms) {
  telemetry_point p;
  p.symbol = fmt::format("VRFY-{:02}", seq % static_cast<uint64_t>(symbols));
  p.price = 100.0 + static_cast<double>(seq % 1000) * 0.01;
  p.volume = static_cast<double>(seq % 7) * 0.5;
  if (seq % 5 != 0) p.bid = p.price - 0.01;
  if (seq % 7 != 0) p.ask = p.price + 0.01;
  p.source = "odin-verify";
  p.event_time_ms = now_ms;
  return p;
}

telemetry_producer::telemetry_producer(const bus::kafka_options& kafka, const options& o,
                                       std::string run_id)
    : options_(o),
      run_id_(std::move(run_id)),
      delivery_timeout_(kafka.delivery_timeout),
      events_("verify producer") {
  auto conf = producer_conf(kafka, events_, *this);
  std::string err;
  producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!producer_) throw std::invalid_argument("kafka producer: " + err);
}

telemetry_producer::~telemetry_producer() {
  if (producer_) {
    producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    producer_->poll(0);
  }
}

verify_result<int> telemetry_producer::partitions() {
  RdKafka::Metadata* raw = nullptr;
  const auto timeout = static_cast<int>(options_.timeout.count());
  const RdKafka::ErrorCode err = producer_->metadata(true, nullptr, &raw, timeout);
  std::unique_ptr<RdKafka::Metadata> md(raw);
  if (err != RdKafka::ERR_NO_ERROR) {
    return verify_error{fmt::format(
        "no answer from brokers within {} ms ({}) — is Kafka/Redpanda running? (KAFKA_BROKERS)",
        options_.timeout.count(), RdKafka::err2str(err))};
  }
  for (const RdKafka::TopicMetadata* t : *md->topics()) {
    if (t->topic() != options_.topic) continue;
    if (t->err() != RdKafka::ERR_NO_ERROR || t->partitions()->empty()) break;
    return static_cast<int>(t->partitions()->size());
  }
  return verify_error{fmt::format(
      "topic {} does not exist on the brokers — create it first (`odin topics create` creates "
      "market-telemetry; `rpk topic create {}` any topic); verify never creates topics",
      options_.topic, options_.topic)};
}

bool telemetry_producer::encode(const telemetry_point& p, std::string& out) {
  if (options_.format == payload_format::json) {
    json_form::encode(p, out);
    return true;
  }
  return codec_.encode(p, options_.schema_id, out);
}

RdKafka::ErrorCode telemetry_producer::send(const std::string& payload, const std::string& key,
                                            int32_t partition, bool prime, uint64_t seq,
                                            int64_t ingest_us) {
  RdKafka::Headers* headers = RdKafka::Headers::create();
  const std::string ingest = std::to_string(ingest_us);
  const std::string seq_text = std::to_string(seq);
  headers->add(std::string(bus::ingest_header), ingest.data(), ingest.size());
  if (prime) {
    headers->add(std::string(prime_header), run_id_.data(), run_id_.size());
  } else {
    headers->add(std::string(run_header), run_id_.data(), run_id_.size());
    headers->add(std::string(seq_header), seq_text.data(), seq_text.size());
  }
  const RdKafka::ErrorCode err = producer_->produce(
      options_.topic, partition, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(payload.data()),
      payload.size(), key.data(), key.size(), 0, headers, opaque_of(prime, seq));
  if (err != RdKafka::ERR_NO_ERROR) delete headers;  // librdkafka owns them only on success
  return err;
}

verify_result<int> telemetry_producer::prime(int partitions) {
  for (int p = 0; p < partitions; ++p) {
    const int64_t now = bus::now_us();
    const telemetry_point point =
        sample_point(static_cast<uint64_t>(p), options_.symbols, now / 1000);
    if (!encode(point, payload_)) return verify_error{"cannot encode a telemetry point"};
    const auto err = send(payload_, point.symbol, p, true, 0, now);
    if (err != RdKafka::ERR_NO_ERROR) {
      return verify_error{
          fmt::format("producing to {} [{}]: {}", options_.topic, p, RdKafka::err2str(err))};
    }
  }
  producer_->flush(static_cast<int>(options_.timeout.count()));
  if (primes_acked_ < static_cast<uint64_t>(partitions)) {
    return verify_error{
        fmt::format("{} of {} priming records acknowledged within {} ms{}{} — are all partitions' "
                    "leaders up?",
                    primes_acked_, partitions, options_.timeout.count(),
                    first_error_.empty() ? "" : ": ", first_error_)};
  }
  return partitions;
}

void telemetry_producer::produce_one(uint64_t seq) {
  const int64_t now = bus::now_us();
  const telemetry_point point = sample_point(seq, options_.symbols, now / 1000);
  produced_.store(seq + 1, std::memory_order_release);  // before the record can be consumed
  if (!encode(point, payload_)) {
    failed_.push_back(seq);
    if (first_error_.empty()) first_error_ = "Avro refused a telemetry point";
    return;
  }
  for (;;) {
    const auto err = send(payload_, point.symbol, RdKafka::Topic::PARTITION_UA, false, seq, now);
    if (err == RdKafka::ERR_NO_ERROR) break;
    if (err != RdKafka::ERR__QUEUE_FULL) {
      failed_.push_back(seq);
      if (first_error_.empty()) first_error_ = RdKafka::err2str(err);
      break;
    }
    producer_->poll(1);  // flat out, or the cluster is slower than the rate: wait for room
  }
  if (first_produce_us_ == 0) first_produce_us_ = now;
  last_produce_us_ = now;
}

void telemetry_producer::run() {
  constexpr uint64_t chunk = 256;  // records between two looks at the clock
  const auto start = clock::now();
  auto next_progress = start + std::chrono::seconds(1);
  uint64_t seq = 0;
  const uint64_t limit = options_.count > 0 ? options_.count : UINT64_MAX;
  // Production stops at the duration even when the producer is behind its schedule: records
  // that were due but not produced simply lower the throughput measured.
  auto finished = [&](clock::time_point now) {
    return seq >= limit || (options_.count == 0 && now - start >= options_.duration);
  };
  for (auto now = start; !finished(now); now = clock::now()) {
    const std::chrono::duration<double> elapsed = now - start;
    const uint64_t due =
        options_.rate > 0 ? static_cast<uint64_t>(elapsed.count() * options_.rate) + 1 : UINT64_MAX;
    const uint64_t end = std::min({due, limit, seq + chunk});
    while (seq < end) produce_one(seq++);
    producer_->poll(0);
    if (now >= next_progress) {
      while (next_progress <= now) next_progress += std::chrono::seconds(1);
      if (options_.on_progress) options_.on_progress(seq, consumed_so_far ? consumed_so_far() : 0);
    }
    if (options_.rate > 0 && seq < limit) {
      const auto next =
          start + std::chrono::duration_cast<clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(seq) / options_.rate));
      if (next > clock::now()) std::this_thread::sleep_until(std::min(next, next_progress));
    }
  }
  producer_->flush(static_cast<int>((delivery_timeout_ + std::chrono::seconds(1)).count()));
}

void telemetry_producer::dr_cb(RdKafka::Message& message) {
  void* opaque = message.msg_opaque();
  const bool ok = message.err() == RdKafka::ERR_NO_ERROR;
  if (!ok && first_error_.empty()) first_error_ = message.errstr();
  if (opaque == nullptr) {
    if (ok) ++primes_acked_;
    return;
  }
  if (ok) {
    ++acked_;
  } else {
    failed_.push_back(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(opaque)) - 1);
  }
}

}  // namespace odin::verify
