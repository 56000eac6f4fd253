#include "bus/memory_consumer.h"

#include <algorithm>
#include <utility>

#include "bus/memory_bus.h"

namespace odin::bus {
namespace {

// Records one partition may hand out per round before the next partition's turn.
constexpr std::size_t per_partition_turn = 64;

}  // namespace

memory_consumer::memory_consumer(memory_bus& bus)
    : bus_(bus),
      slots_(model::kind_count * static_cast<std::size_t>(bus.partitions())),
      next_(new std::atomic<int64_t>[slots_]) {
  const auto partitions = static_cast<std::size_t>(bus_.partitions());
  for (std::size_t slot = 0; slot < slots_; ++slot) {
    const model::kind kind = model::all_kinds[slot / partitions];
    next_[slot].store(bus_.log(kind, static_cast<int32_t>(slot % partitions)).end_offset());
  }
}

memory_consumer::~memory_consumer() {
  bus_.signal().set_listener(this, {});
}

bool memory_consumer::set_notify(std::function<void()> fn) {
  bus_.signal().set_listener(this, std::move(fn));
  return true;
}

result<std::size_t, bus_error> memory_consumer::poll(std::chrono::milliseconds timeout,
                                                     std::size_t max_records,
                                                     const record_sink& sink) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  append_signal& signal = bus_.signal();
  while (true) {
    // Read the sequence before looking, so an append after the look ends the wait.
    const uint64_t seen = signal.sequence();
    if (!paused_.load()) {
      if (const std::size_t n = drain(max_records, sink); n > 0) return n;
    }
    if (woken_.exchange(false) || timeout.count() <= 0) return std::size_t{0};
    const bool stop = signal.wait_until(
        deadline, [&] { return woken_.load() || (!paused_.load() && signal.sequence() != seen); });
    if (!stop) return std::size_t{0};  // timed out
  }
}

std::size_t memory_consumer::drain(std::size_t max_records, const record_sink& sink) {
  std::size_t handed = 0;
  bool progress = true;
  while (handed < max_records && progress) {
    progress = false;
    for (std::size_t i = 0; i < slots_ && handed < max_records; ++i) {
      const std::size_t slot = (round_robin_ + i) % slots_;
      const std::size_t turn = std::min(per_partition_turn, max_records - handed);
      const std::size_t n = deliver(slot, turn, sink);
      handed += n;
      progress = progress || n > 0;
    }
  }
  round_robin_ = (round_robin_ + 1) % slots_;
  return handed;
}

std::size_t memory_consumer::deliver(std::size_t slot, std::size_t max_records,
                                     const record_sink& sink) {
  const auto partitions = static_cast<std::size_t>(bus_.partitions());
  const model::kind kind = model::all_kinds[slot / partitions];
  const auto partition = static_cast<int32_t>(slot % partitions);
  const memory_log& log = bus_.log(kind, partition);
  const int64_t next = next_[slot].load(std::memory_order_relaxed);
  if (log.end_offset() <= next) return 0;  // lock-free fast path: nothing new

  log_span span;
  const int64_t from = log.read(next, max_records, span);
  if (from > next) {
    skipped_.fetch_add(static_cast<uint64_t>(from - next), std::memory_order_relaxed);
    next_[slot].store(from, std::memory_order_relaxed);
  }
  record rec{};
  rec.kind = kind;
  rec.partition = partition;
  for (std::size_t i = 0; i < span.count; ++i) {
    const stored_record& stored = span.first[i];
    rec.offset = span.first_offset + static_cast<int64_t>(i);
    rec.timestamp_ms = stored.timestamp_ms;
    rec.ingest_us = stored.ingest_us;
    rec.key = stored.key();
    rec.value = stored.value();
    sink(rec);
    next_[slot].store(rec.offset + 1, std::memory_order_relaxed);
  }
  return span.count;
}

void memory_consumer::pause() {
  paused_.store(true);
}

void memory_consumer::resume() {
  paused_.store(false);
  bus_.signal().notify_all();
}

void memory_consumer::wake() {
  woken_.store(true);
  bus_.signal().notify_all();
}

std::vector<partition_lag> memory_consumer::lag() const {
  const auto partitions = static_cast<std::size_t>(bus_.partitions());
  std::vector<partition_lag> out;
  out.reserve(slots_);
  for (std::size_t slot = 0; slot < slots_; ++slot) {
    const model::kind kind = model::all_kinds[slot / partitions];
    const auto partition = static_cast<int32_t>(slot % partitions);
    const int64_t end = bus_.log(kind, partition).end_offset();
    const int64_t next = next_[slot].load(std::memory_order_relaxed);
    out.push_back(
        {bus_.options().topics.topic_of(kind), partition, std::max<int64_t>(0, end - next)});
  }
  return out;
}

}  // namespace odin::bus
