#include "bus/kafka_assigner.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "bus/record.h"

namespace odin::bus {
namespace {

constexpr auto retry_interval = std::chrono::milliseconds(500);
constexpr int metadata_timeout_ms = 2000;
constexpr int offsets_timeout_ms = 2000;
constexpr int64_t query_latest = -1;  // ListOffsets timestamps
constexpr int64_t query_earliest = -2;

// Owns the TopicPartition objects of a list.
struct tp_list {
  std::vector<RdKafka::TopicPartition*> items;
  ~tp_list() { RdKafka::TopicPartition::destroy(items); }
};

const RdKafka::TopicMetadata* find_topic(const RdKafka::Metadata& md, const std::string& name) {
  const auto* topics = md.topics();
  auto it = std::find_if(topics->begin(), topics->end(),
                         [&](const RdKafka::TopicMetadata* t) { return t->topic() == name; });
  return it == topics->end() ? nullptr : *it;
}

}  // namespace

kafka_assigner::kafka_assigner(RdKafka::KafkaConsumer& consumer, const kafka_options& options)
    : consumer_(consumer), options_(options), table_(std::make_shared<kafka_partition_table>()) {
  health_.connected = false;
  health_.since_ms = now_us() / 1000;
  thread_ = std::thread([this] { run(); });
}

kafka_assigner::~kafka_assigner() {
  {
    std::lock_guard lock(stop_mutex_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

void kafka_assigner::run() {
  std::unique_lock lock(stop_mutex_);
  while (!stop_) {
    lock.unlock();
    const bool ok = refresh();
    lock.lock();
    stop_cv_.wait_for(lock, ok ? options_.metadata_refresh : retry_interval,
                      [this] { return stop_ || refresh_now_; });
    refresh_now_ = false;
  }
}

void kafka_assigner::brokers_down() {
  ready_.store(false);
  mark_connected(false);
  {
    std::lock_guard lock(stop_mutex_);
    refresh_now_ = true;
  }
  stop_cv_.notify_all();
}

bool kafka_assigner::refresh() {
  RdKafka::Metadata* raw = nullptr;
  const RdKafka::ErrorCode err = consumer_.metadata(true, nullptr, &raw, metadata_timeout_ms);
  const std::unique_ptr<RdKafka::Metadata> md(raw);
  if (err != RdKafka::ERR_NO_ERROR) {
    if (ready_.exchange(false)) spdlog::warn("kafka metadata: {}", RdKafka::err2str(err));
    mark_connected(false);
    return false;
  }
  mark_connected(true);
  bool all_topics = true;
  const std::vector<wanted> want = unassigned(*md, all_topics);
  answered_once_ = true;
  const std::size_t assigned = want.empty() ? 0 : assign(want);
  const bool now_ready = all_topics && assigned == want.size();
  if (now_ready != ready_.exchange(now_ready)) {
    if (now_ready) {
      spdlog::info("kafka consumer ready: all {} topics assigned", model::kind_count);
    } else {
      spdlog::warn("kafka consumer not ready: topics missing or partitions unassigned");
    }
  }
  return now_ready;
}

// The partitions in `md` not assigned yet, each with where it should start.
std::vector<kafka_assigner::wanted> kafka_assigner::unassigned(const RdKafka::Metadata& md,
                                                               bool& all_topics) {
  const auto current = table();
  const int64_t start_query =
      options_.lookback.count() > 0 ? now_us() / 1000 - options_.lookback.count() : query_latest;
  std::vector<wanted> want;
  for (model::kind kind : model::all_kinds) {
    const std::string& name = options_.topics.topic_of(kind);
    const RdKafka::TopicMetadata* topic = find_topic(md, name);
    if (topic == nullptr || topic->err() != RdKafka::ERR_NO_ERROR || topic->partitions()->empty()) {
      spdlog::debug("kafka topic {} not available", name);
      all_topics = false;
      continue;
    }
    for (const RdKafka::PartitionMetadata* pm : *topic->partitions()) {
      const auto key = std::make_pair(model::index(kind), pm->id());
      if (!answered_once_) initial_.insert(key);
      if (current->find(kind, pm->id()) != nullptr) continue;
      want.push_back({kind, pm->id(), initial_.count(key) ? start_query : query_earliest});
    }
  }
  return want;
}

// Resolves start offsets and assigns what resolved; returns how many were assigned.
std::size_t kafka_assigner::assign(const std::vector<wanted>& want) {
  tp_list query;
  for (const wanted& w : want) {
    query.items.push_back(
        RdKafka::TopicPartition::create(options_.topics.topic_of(w.kind), w.partition, w.query));
  }
  resolve(query.items);
  std::vector<RdKafka::TopicPartition*> ok;
  auto next = std::make_shared<kafka_partition_table>(*table());
  for (std::size_t i = 0; i < want.size(); ++i) {
    RdKafka::TopicPartition* tp = query.items[i];
    if (tp->err() != RdKafka::ERR_NO_ERROR || tp->offset() < 0) continue;
    auto& slots = next->slots[model::index(want[i].kind)];
    const auto at = static_cast<std::size_t>(want[i].partition);
    if (slots.size() <= at) slots.resize(at + 1);
    slots[at] = std::make_shared<kafka_partition_slot>(tp->topic(), tp->partition(), tp->offset());
    ok.push_back(tp);
  }
  if (ok.empty()) return 0;
  std::lock_guard lock(mutex_);
  auto previous = std::exchange(table_, next);  // published first: poll() must find the slots
  if (std::unique_ptr<RdKafka::Error> e(consumer_.incremental_assign(ok)); e) {
    spdlog::warn("kafka incremental_assign: {}", e->str());
    table_ = previous;
    return 0;
  }
  if (paused_.load()) consumer_.pause(ok);
  for (const wanted& w : want) initial_.erase({model::index(w.kind), w.partition});
  spdlog::info("kafka consumer assigned {} partitions", ok.size());
  return ok.size();
}

// ListOffsets by timestamp; a look-back that finds no record at/after its time starts at the
// latest offset instead. Partitions left with an error are retried on the next round.
void kafka_assigner::resolve(std::vector<RdKafka::TopicPartition*>& tps) {
  if (const auto err = consumer_.offsetsForTimes(tps, offsets_timeout_ms); err) {
    spdlog::debug("kafka offsets_for_times: {}", RdKafka::err2str(err));
  }
  std::vector<RdKafka::TopicPartition*> again;
  for (RdKafka::TopicPartition* tp : tps) {
    if (tp->err() == RdKafka::ERR_NO_ERROR && tp->offset() < 0) {
      tp->set_offset(query_latest);
      again.push_back(tp);
    }
  }
  if (!again.empty()) consumer_.offsetsForTimes(again, offsets_timeout_ms);
}

// Logs each change once: the outage with its start, the recovery with its length.
void kafka_assigner::mark_connected(bool connected) {
  const int64_t now_ms = now_us() / 1000;
  std::lock_guard lock(health_mutex_);
  if (health_.connected == connected) return;
  const int64_t lasted_ms = now_ms - health_.since_ms;
  health_.connected = connected;
  health_.since_ms = now_ms;
  if (!ever_connected_) {  // the first connection (a failure before it is no outage)
    if (connected) spdlog::info("kafka consumer: brokers answered after {} ms", lasted_ms);
    ever_connected_ = connected;
    return;
  }
  if (connected) {
    health_.outage_ms += lasted_ms;
    spdlog::warn(
        "kafka consumer: brokers back after an outage of {:.1f} s; clients stayed "
        "connected, reading resumes where it stopped",
        static_cast<double>(lasted_ms) / 1000.0);
  } else {
    ++health_.outages;
    spdlog::warn(
        "kafka consumer: the brokers do not answer (outage {}); clients stay "
        "connected, /ready reports 503 until they are back",
        health_.outages);
  }
}

bus_health kafka_assigner::health() const {
  std::lock_guard lock(health_mutex_);
  bus_health h = health_;
  if (!h.connected && ever_connected_) h.outage_ms += now_us() / 1000 - h.since_ms;
  return h;
}

std::shared_ptr<const kafka_partition_table> kafka_assigner::table() const {
  std::lock_guard lock(mutex_);
  return table_;
}

void kafka_assigner::pause() {
  set_paused(true);
}
void kafka_assigner::resume() {
  set_paused(false);
}

void kafka_assigner::set_paused(bool paused) {
  std::lock_guard lock(mutex_);
  paused_.store(paused);
  tp_list parts;
  consumer_.assignment(parts.items);
  if (parts.items.empty()) return;
  const auto err = paused ? consumer_.pause(parts.items) : consumer_.resume(parts.items);
  if (err) spdlog::warn("kafka {}: {}", paused ? "pause" : "resume", RdKafka::err2str(err));
}

}  // namespace odin::bus
