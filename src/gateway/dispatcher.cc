#include "gateway/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "common/thread_name.h"
#include "gateway/frame.h"
#include "model/channel.h"

namespace odin::gateway {
namespace {

void release_refs(frame* f, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) f->release();
}

}  // namespace

dispatcher::dispatcher(bus::consumer& consumer, std::vector<shard_inbox*> inboxes, history* hist,
                       std::chrono::milliseconds duplicate_window, std::size_t max_keys)
    : consumer_(consumer),
      inboxes_(std::move(inboxes)),
      history_(hist != nullptr && hist->enabled() ? hist : nullptr),
      filter_(duplicate_window, max_keys) {
  sink_ = [this](const bus::record& r) { on_record(r); };
  batch_.reserve(max_batch);
}

void dispatcher::deliver_directly(direct_sink to) {
  direct_ = std::move(to);
  inboxes_.clear();
}

void dispatcher::start() {
  if (direct_) return;  // io_dispatch runs the turns on the I/O thread
  thread_ = std::thread([this] {
    name_this_thread("odin-dispatch");
    run();
  });
}

void dispatcher::stop() {
  stop_.store(true, std::memory_order_release);
  consumer_.wake();
  if (thread_.joinable()) thread_.join();
}

void dispatcher::run() {
  while (!stopping()) run_once(std::chrono::milliseconds(100));
  if (paused()) resume();  // leave the consumer as we found it
}

std::size_t dispatcher::run_once(std::chrono::milliseconds poll_timeout) {
  if (paused()) {
    if (!below_low_watermark()) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      return 0;
    }
    resume();
  }
  now_ = duplicate_window::clock::now();
  auto polled = consumer_.poll(poll_timeout, max_batch, sink_);
  deliver_batch(polled && polled.value() >= max_batch);
  if (!polled) {
    if (auto suppressed = error_log_.allow()) {
      spdlog::warn("gateway: bus poll failed: {} ({} more suppressed)",
                   bus::describe(polled.error()), *suppressed);
    }
    // On an I/O thread the next turn comes from io_dispatch's timer, not from a sleep here.
    if (!stopping() && !direct_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return 0;
  }
  return polled.value();
}

void dispatcher::on_record(const bus::record& r) {
  stats_.received.add();
  if (const auto why = filter_.check(r, now_)) return drop(r, *why);
  // The channel name, for the seq map (token <= 32 chars, kind <= 9).
  char name[model::max_token_length + 16];
  const std::string_view kind_name = model::to_string(r.kind);
  std::copy(r.key.begin(), r.key.end(), name);
  name[r.key.size()] = '.';
  std::copy(kind_name.begin(), kind_name.end(), name + r.key.size() + 1);
  const std::string_view channel(name, r.key.size() + 1 + kind_name.size());

  auto it = seq_.find(channel);
  if (it == seq_.end()) it = seq_.emplace(std::string(channel), 0).first;
  const uint64_t seq = ++it->second;

  const protocol::stream_position pos{r.kind, r.partition, r.offset,
                                      protocol::record_check(r.key, r.timestamp_ms, r.value)};
  const std::size_t outlets = direct_ ? 1 : inboxes_.size();
  const auto refs = static_cast<uint32_t>(outlets + (history_ != nullptr ? 1 : 0));
  batch_.push_back(
      render_event({r.key, r.kind, seq, r.ingest_us, r.value, filter_.owner(), pos, {}}, refs));
}

std::array<log_limiter, drop_reason_count> dispatcher::make_drop_logs() {
  using namespace std::chrono_literals;
  return {log_limiter{10s}, log_limiter{10s}, log_limiter{10s}, log_limiter{10s},
          log_limiter{10s}, log_limiter{10s}, log_limiter{10s}, log_limiter{10s}};
}

// Counted by reason; logged at most once per 10 s per reason (the first one at once).
void dispatcher::drop(const bus::record& r, drop_reason why) {
  const auto i = static_cast<std::size_t>(why);
  stats_.dropped[i].add();
  if (auto suppressed = drop_log_[i].allow()) {
    spdlog::warn(
        "gateway: dropped a record ({}: {} partition {} offset {}, key \"{}\"): clients only get "
        "event objects whose type belongs to the topic and whose tokenId is the key; {} more "
        "dropped for this reason since the last line",
        drop_reason_names[i], model::to_string(r.kind), r.partition, r.offset, r.key.substr(0, 64),
        *suppressed);
  }
}

void dispatcher::deliver_batch(bool more_waiting) {
  const std::size_t shards = inboxes_.size();
  // History first: a frame a shard may deliver is already there for a "since" lookup, so a
  // client subscribing in between gets it from one or the other (no gap).
  if (history_ != nullptr) history_->append(batch_, bus::now_us());
  if (direct_) {
    if (!batch_.empty()) direct_(batch_, more_waiting);
    stats_.broadcasts.add(batch_.size());
    batch_.clear();
    return;
  }
  for (std::size_t i = 0; i < batch_.size(); ++i) {
    frame* f = batch_[i];
    std::size_t handed = 0;
    for (; handed < shards; ++handed) {
      shard_inbox& inbox = *inboxes_[handed];
      if (!inbox.push(f) && !(wait_for_room(inbox) && inbox.push(f))) break;
    }
    if (handed < shards) {  // stopping: give back what no shard took, for this and the rest
      release_refs(f, shards - handed);
      for (std::size_t j = i + 1; j < batch_.size(); ++j) release_refs(batch_[j], shards);
      break;
    }
    stats_.broadcasts.add();
  }
  batch_.clear();
  for (shard_inbox* inbox : inboxes_) inbox->wake();
}

bool dispatcher::wait_for_room(shard_inbox& inbox) {
  if (!paused()) pause();
  inbox.wake();
  auto sleep = std::chrono::microseconds(10);
  while (inbox.room() == 0) {
    if (stopping()) return false;
    std::this_thread::sleep_for(sleep);
    sleep = std::min(sleep * 2, std::chrono::microseconds(1000));
  }
  return true;
}

bool dispatcher::below_low_watermark() const {
  return std::all_of(inboxes_.begin(), inboxes_.end(),
                     [](const shard_inbox* in) { return in->room() * 4 >= in->capacity() * 3; });
}

void dispatcher::pause() {
  consumer_.pause();
  stats_.pauses.add();
  stats_.paused.set(1);
  if (pause_log_.allow()) {
    spdlog::info("gateway: bus paused, a shard inbox is full ({} pauses so far)",
                 stats_.pauses.value());
  }
}

void dispatcher::resume() {
  consumer_.resume();
  stats_.paused.set(0);
  if (resume_log_.allow()) spdlog::info("gateway: bus resumed, shard inboxes drained");
}

}  // namespace odin::gateway
