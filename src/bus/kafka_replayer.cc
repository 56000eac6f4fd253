#include "bus/kafka_replayer.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "bus/partitioner.h"

namespace odin::bus {
namespace {

using clock = std::chrono::steady_clock;

int remaining_ms(clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 60000));
}

// The "odin-ingest-us" header, else the bus timestamp (as the live consumer does).
int64_t ingest_us_of(RdKafka::Message& m, int64_t timestamp_ms) {
  if (RdKafka::Headers* headers = m.headers()) {
    const RdKafka::Headers::Header h = headers->get_last(std::string(ingest_header));
    if (h.err() == RdKafka::ERR_NO_ERROR && h.value() != nullptr) {
      const char* text = static_cast<const char*>(h.value());
      int64_t us = 0;
      const auto [end, ec] = std::from_chars(text, text + h.value_size(), us);
      if (ec == std::errc() && end == text + h.value_size()) return us;
    }
  }
  return timestamp_ms * 1000;
}

}  // namespace

kafka_replayer::kafka_replayer(const kafka_options& options)
    : options_(options), events_("replayer") {
  auto conf = make_kafka_conf(options_, events_);
  set_kafka_property(*conf, "group.id",
                     options_.group_id + "-replay-" + kafka_instance_id(options_));
  set_kafka_property(*conf, "enable.auto.commit", "false");
  set_kafka_property(*conf, "enable.auto.offset.store", "false");
  set_kafka_property(*conf, "enable.partition.eof", "true");
  set_kafka_property(*conf, "auto.offset.reset", "error");
  set_kafka_property(*conf, "fetch.wait.max.ms", "10");
  apply_extra_properties(*conf, options_);
  std::string err;
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer_) throw std::invalid_argument("kafka replayer: " + err);
}

kafka_replayer::~kafka_replayer() {
  consumer_->close();
}

replay_status kafka_replayer::watermarks(const std::string& topic, int32_t partition, int64_t& low,
                                         int64_t& high, clock::time_point deadline) {
  const auto err = consumer_->query_watermark_offsets(topic, partition, &low, &high,
                                                      std::max(1, remaining_ms(deadline)));
  if (err == RdKafka::ERR_NO_ERROR) return replay_status::ok;
  spdlog::warn("recovery: watermarks of {} [{}]: {}", topic, partition, RdKafka::err2str(err));
  const bool missing =
      err == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART || err == RdKafka::ERR__UNKNOWN_PARTITION;
  return missing                          ? replay_status::out_of_range
         : err == RdKafka::ERR__TIMED_OUT ? replay_status::timed_out
                                          : replay_status::failed;
}

std::vector<replay_answer> kafka_replayer::fetch(model::kind kind, int32_t partition,
                                                 const std::vector<replay_query>& queries,
                                                 std::size_t max_records,
                                                 clock::time_point deadline) {
  replay_collector collect(queries, max_records);
  const std::string topic = options_.topics.topic_of(kind);
  int64_t low = -1;
  int64_t high = -1;
  if (const replay_status s = watermarks(topic, partition, low, high, deadline);
      s != replay_status::ok) {
    return collect.finish(s);
  }
  collect.bound(low, high);
  if (!collect.open()) return collect.finish(replay_status::ok);
  const range_sink sink{
      [&] { return collect.open(); }, [&](int64_t offset) { collect.lost_before(offset); },
      [&](int64_t offset, int64_t ts, int64_t ingest_us, std::string_view key,
          std::string_view value) { collect.add(offset, ts, ingest_us, key, value); }};
  return collect.finish(read_range(topic, partition, collect.lowest(high), high, deadline, sink));
}

std::vector<latest_answer> kafka_replayer::latest(model::kind kind,
                                                  const std::vector<std::string>& keys,
                                                  const record_accept& accept,
                                                  std::size_t max_depth,
                                                  clock::time_point deadline) {
  const int32_t count = partition_count(kind, deadline);
  if (count <= 0) return std::vector<latest_answer>(keys.size());  // failed
  const std::string topic = options_.topics.topic_of(kind);
  std::map<int32_t, latest_search> searches;
  for (const std::string& key : keys) {
    const int32_t p = partition_for_key(key, count);
    searches.try_emplace(p, kind, p, accept).first->second.want(key);
  }
  std::map<int32_t, replay_status> outcome;
  for (auto& entry : searches) {
    const int32_t partition = entry.first;
    latest_search& search = entry.second;  // named: lambdas may not capture bindings (clang < 16)
    int64_t low = -1;
    int64_t high = -1;
    replay_status& status = outcome[partition];
    status = watermarks(topic, partition, low, high, deadline);
    if (status == replay_status::out_of_range) status = replay_status::ok;  // nothing there
    if (status != replay_status::ok) continue;
    status = search.search(low, high, max_depth, deadline, [&](int64_t from, int64_t to) {
      const range_sink sink{
          [] { return true; }, [](int64_t) {},
          [&](int64_t offset, int64_t ts, int64_t ingest_us, std::string_view key,
              std::string_view value) { search.add(offset, ts, ingest_us, key, value); }};
      return read_range(topic, partition, from, to, deadline, sink);
    });
  }
  std::vector<latest_answer> answers;
  answers.reserve(keys.size());
  for (const std::string& key : keys) {
    const int32_t p = partition_for_key(key, count);
    answers.push_back(searches.at(p).answer(key, outcome[p]));
  }
  return answers;
}

int32_t kafka_replayer::partition_count(model::kind kind, clock::time_point deadline) {
  partition_count_entry& cached = partition_counts_[model::index(kind)];
  if (cached.count > 0 && clock::now() < cached.until) return cached.count;
  const std::string topic = options_.topics.topic_of(kind);
  RdKafka::Metadata* raw = nullptr;
  const auto err = consumer_->metadata(true, nullptr, &raw, std::max(1, remaining_ms(deadline)));
  const std::unique_ptr<RdKafka::Metadata> md(raw);
  if (err != RdKafka::ERR_NO_ERROR) {
    spdlog::warn("recovery: metadata for {}: {}", topic, RdKafka::err2str(err));
    return 0;
  }
  for (const RdKafka::TopicMetadata* t : *md->topics()) {
    if (t->topic() != topic || t->err() != RdKafka::ERR_NO_ERROR) continue;
    cached.count = static_cast<int32_t>(t->partitions()->size());
    cached.until = clock::now() + std::chrono::minutes(1);
    return cached.count;
  }
  spdlog::warn("recovery: topic {} not in the cluster's metadata", topic);
  return 0;
}

replay_status kafka_replayer::read_range(const std::string& topic, int32_t partition, int64_t from,
                                         int64_t end, clock::time_point deadline,
                                         const range_sink& sink) {
  std::unique_ptr<RdKafka::TopicPartition> tp(
      RdKafka::TopicPartition::create(topic, partition, from));
  std::vector<RdKafka::TopicPartition*> tps{tp.get()};
  if (const auto err = consumer_->assign(tps); err != RdKafka::ERR_NO_ERROR) {
    spdlog::warn("recovery: assign {} [{}]: {}", topic, partition, RdKafka::err2str(err));
    return replay_status::failed;
  }
  replay_status status = replay_status::ok;
  int64_t next = from;
  while (sink.more() && next < end) {
    const int wait = remaining_ms(deadline);
    if (wait == 0) {
      status = replay_status::timed_out;
      break;
    }
    std::unique_ptr<RdKafka::Message> m(consumer_->consume(std::min(wait, 100)));
    if (m->err() == RdKafka::ERR__TIMED_OUT || m->err() == RdKafka::ERR__PARTITION_EOF) continue;
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      spdlog::warn("recovery: reading {} [{}]: {}", topic, partition, m->errstr());
      if (m->err() == RdKafka::ERR_OFFSET_OUT_OF_RANGE) {
        sink.lost_before(end);
        break;
      }
      continue;
    }
    // Only this partition, each offset once (a re-fetch after an error may repeat some).
    if (m->partition() != partition || m->topic_name() != topic || m->offset() < next) continue;
    if (m->offset() > next) sink.lost_before(m->offset());  // retention overtook the scan
    const int64_t ts = m->timestamp().timestamp;
    const std::string_view key =
        m->key_pointer()
            ? std::string_view(static_cast<const char*>(m->key_pointer()), m->key_len())
            : std::string_view();
    const std::string_view value(static_cast<const char*>(m->payload()), m->len());
    if (m->offset() < end) sink.add(m->offset(), ts, ingest_us_of(*m, ts), key, value);
    next = m->offset() + 1;
  }
  consumer_->unassign();
  return status;
}

}  // namespace odin::bus
