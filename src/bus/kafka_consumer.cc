#include "bus/kafka_consumer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

namespace odin::bus {
namespace {

using clock = std::chrono::steady_clock;

// A blocked poll() re-checks wake() / fatal errors at least this often.
constexpr int max_wait_slice_ms = 100;

std::unique_ptr<RdKafka::Conf> consumer_conf(const kafka_options& o, RdKafka::EventCb& events,
                                             RdKafka::OffsetCommitCb& commits) {
  auto conf = make_kafka_conf(o, events);
  set_kafka_property(*conf, "group.id", kafka_group_id(o));
  set_kafka_property(*conf, "enable.auto.commit", "true");
  set_kafka_property(*conf, "enable.auto.offset.store", "true");
  // Only after retention overtook us: continue from the oldest retained (counted in skipped()).
  set_kafka_property(*conf, "auto.offset.reset", "earliest");
  set_kafka_property(*conf, "fetch.wait.max.ms", std::to_string(o.fetch_wait_max.count()));
  set_kafka_property(*conf, "fetch.min.bytes", "1");
  set_kafka_property(*conf, "enable.partition.eof", "false");
  std::string err;
  if (conf->set("offset_commit_cb", &commits, err) != RdKafka::Conf::CONF_OK) {
    throw std::invalid_argument("kafka offset_commit_cb: " + err);
  }
  apply_extra_properties(*conf, o);
  return conf;
}

std::string_view view(const void* data, std::size_t size) {
  return data == nullptr ? std::string_view()
                         : std::string_view(static_cast<const char*>(data), size);
}

// The last value of header `name` (empty when absent or without a value).
std::string_view header_of(rd_kafka_headers_t* headers, std::string_view name) {
  const void* value = nullptr;
  std::size_t size = 0;
  if (headers == nullptr ||
      rd_kafka_header_get_last(headers, name.data(), &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return {};
  }
  return view(value, size);
}

// The "odin-ingest-us" header, else the bus timestamp.
int64_t ingest_us_of(rd_kafka_headers_t* headers, int64_t timestamp_ms) {
  const std::string_view text = header_of(headers, ingest_header);
  int64_t us = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), us);
  if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return us;
  return timestamp_ms * 1000;
}

}  // namespace

std::string kafka_group_id(const kafka_options& o) {
  return o.group_id + "-" + kafka_instance_id(o);
}

void kafka_consumer::commit_results::offset_commit_cb(
    RdKafka::ErrorCode err, std::vector<RdKafka::TopicPartition*>& offsets) {
  if (err == RdKafka::ERR__NO_OFFSET) return;  // nothing to commit
  const bool failed = err != RdKafka::ERR_NO_ERROR ||
                      std::any_of(offsets.begin(), offsets.end(), [](const auto* tp) {
                        return tp->err() != RdKafka::ERR_NO_ERROR;
                      });
  if (failed) {
    errors_.fetch_add(1);
    spdlog::debug("kafka offset commit failed: {}", RdKafka::err2str(err));
  }
}

kafka_consumer::kafka_consumer(const kafka_options& options)
    : options_(options),
      events_("consumer",
              [this](RdKafka::ErrorCode err, bool fatal) { on_error_event(err, fatal); }),
      commits_(commit_errors_) {
  auto conf = consumer_conf(options_, events_, commits_);
  std::string err;
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer_) throw std::invalid_argument("kafka consumer: " + err);
  queue_ = rd_kafka_queue_get_consumer(consumer_->c_ptr());
  spdlog::info("kafka consumer: group id {} (offsets committed for observability only)",
               kafka_group_id(options_));
  assigner_ = std::make_unique<kafka_assigner>(*consumer_, options_);
}

kafka_consumer::~kafka_consumer() {
  rd_kafka_queue_cb_event_enable(queue_, nullptr, nullptr);
  assigner_.reset();
  held_.clear();  // messages go before the client
  close();
  rd_kafka_queue_destroy(queue_);
  consumer_.reset();
}

void kafka_consumer::on_error_event(RdKafka::ErrorCode err, bool fatal) {
  if (fatal) fatal_.store(true);
  if (err == RdKafka::ERR__ALL_BROKERS_DOWN && assigner_) assigner_->brokers_down();
}

// First waits (in slices, so wake() and fatal errors are seen) for one record, then drains
// what librdkafka already has without waiting.
result<std::size_t, bus_error> kafka_consumer::poll(std::chrono::milliseconds timeout,
                                                    std::size_t max_records,
                                                    const record_sink& sink) {
  auto table = assigner_->table();
  std::size_t n = assigner_->paused() ? 0 : deliver_held(max_records, table, sink);
  const auto deadline = clock::now() + timeout;
  bool first = true;
  while (n < max_records && !fatal_.load()) {
    int wait_ms = 0;
    if (n == 0) {
      if (woken_.exchange(false)) break;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
      if (left <= 0 && !first) break;
      wait_ms = static_cast<int>(std::clamp<int64_t>(left, 0, max_wait_slice_ms));
    }
    first = false;
    message_ptr m(rd_kafka_consumer_poll(consumer_->c_ptr(), wait_ms));
    if (!m) {
      if (n > 0) break;
      continue;
    }
    if (take(std::move(m), table, sink) == step::record) ++n;
  }
  if (n == 0 && fatal_.load()) return failure(bus_error::internal);
  return n;
}

kafka_consumer::step kafka_consumer::take(message_ptr m, table_ptr& table,
                                          const record_sink& sink) {
  if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return step::none;
  if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
    std::array<char, 512> reason{};
    rd_kafka_fatal_error(consumer_->c_ptr(), reason.data(), reason.size());
    spdlog::error("kafka consumer fatal error: {}", reason.data());
    fatal_.store(true);
    return step::error;
  }
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Transient (broker down, leader moving, topic gone for now): librdkafka recovers.
    spdlog::warn("kafka consume: {}", rd_kafka_message_errstr(m.get()));
    return step::none;
  }
  if (assigner_->paused()) {
    held_.push_back(std::move(m));
    return step::none;
  }
  deliver(*m, table, sink);
  return step::record;
}

void kafka_consumer::deliver(const rd_kafka_message_t& m, table_ptr& table,
                             const record_sink& sink) {
  const auto kind = options_.topics.kind_of_topic(rd_kafka_topic_name(m.rkt));
  if (!kind) return;  // never assigned: cannot happen
  const int64_t timestamp_ms = rd_kafka_message_timestamp(&m, nullptr);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) headers = nullptr;
  const record rec{.kind = *kind,
                   .partition = m.partition,
                   .offset = m.offset,
                   .timestamp_ms = timestamp_ms,
                   .ingest_us = ingest_us_of(headers, timestamp_ms),
                   .key = view(m.key, m.key_len),
                   .value = view(m.payload, m.len),
                   .idempotency_key = header_of(headers, idempotency_header)};
  kafka_partition_slot* slot = table->find(*kind, m.partition);
  if (slot == nullptr) {
    table = assigner_->table();  // assigned since poll() began
    slot = table->find(*kind, m.partition);
  }
  if (slot != nullptr) {
    const int64_t expected = slot->next.load(std::memory_order_relaxed);
    // A gap: retention dropped records before we read them (or transaction markers of a
    // transactional producer, which odin's producers are not).
    if (m.offset > expected) skipped_.fetch_add(static_cast<uint64_t>(m.offset - expected));
  }
  sink(rec);
  if (slot != nullptr) slot->next.store(m.offset + 1, std::memory_order_relaxed);
}

std::size_t kafka_consumer::deliver_held(std::size_t max_records, table_ptr& table,
                                         const record_sink& sink) {
  std::size_t n = 0;
  while (!held_.empty() && n < max_records) {
    message_ptr m = std::move(held_.front());
    held_.pop_front();
    deliver(*m, table, sink);
    ++n;
  }
  return n;
}

// The callback is switched off before notify_ changes, so librdkafka never calls a function
// being replaced: librdkafka calls it with the queue locked, and switching it takes that lock.
bool kafka_consumer::set_notify(std::function<void()> fn) {
  rd_kafka_queue_cb_event_enable(queue_, nullptr, nullptr);
  notify_ = std::move(fn);
  if (notify_) rd_kafka_queue_cb_event_enable(queue_, &kafka_consumer::on_queue_event, this);
  return true;
}

void kafka_consumer::on_queue_event(rd_kafka_t* /*rk*/, void* opaque) {
  static_cast<kafka_consumer*>(opaque)->notify_();
}

void kafka_consumer::wake() {
  woken_.store(true);
  rd_kafka_queue_yield(queue_);
}

std::vector<partition_lag> kafka_consumer::lag() const {
  const auto table = assigner_->table();
  std::vector<partition_lag> out;
  for (const auto& slots : table->slots) {
    for (const auto& slot : slots) {
      if (!slot) continue;
      int64_t low = -1;
      int64_t high = -1;
      consumer_->get_watermark_offsets(slot->topic, slot->partition, &low, &high);
      const int64_t next = slot->next.load(std::memory_order_relaxed);
      const int64_t lag = high >= 0 && next >= 0 ? std::max<int64_t>(0, high - next) : -1;
      out.push_back({slot->topic, slot->partition, lag});
    }
  }
  return out;
}

// Commits the offsets read (observability only) and leaves. With no group membership there
// is no rebalance to wait for; with the brokers gone the commit fails at once (measured with
// the mock: close returns in ~1 ms). A broker that silently drops packets can hold the
// commit up to librdkafka's socket.timeout.ms.
void kafka_consumer::close() {
  if (const auto err = consumer_->close(); err != RdKafka::ERR_NO_ERROR) {
    spdlog::debug("kafka consumer close: {}", RdKafka::err2str(err));
  }
}

}  // namespace odin::bus
