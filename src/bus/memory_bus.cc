#include "bus/memory_bus.h"

#include <stdexcept>

#include "bus/memory_consumer.h"
#include "bus/partitioner.h"

namespace odin::bus {
namespace {

class memory_producer final : public producer {
 public:
  explicit memory_producer(memory_bus& bus) : bus_(bus) {}

  void produce(model::kind kind, std::string_view key, std::string_view value,
               completion done) override {
    done(bus_.append(kind, key, value));
  }

  void corked(const std::function<void()>& burst) override {
    const append_signal::cork cork(bus_.signal());
    burst();
  }

  std::size_t flush(std::chrono::milliseconds) override { return 0; }

 private:
  memory_bus& bus_;
};

log_limits limits_of(const memory_options& o) {
  if (o.partitions <= 0) throw std::invalid_argument("memory bus: partitions must be > 0");
  if (o.retention_records == 0 || o.retention_bytes == 0 || o.retention_time.count() <= 0) {
    throw std::invalid_argument("memory bus: retention limits must be > 0");
  }
  log_limits limits;
  limits.max_records = o.retention_records;
  // retention_bytes bounds a topic; each partition gets an equal share.
  limits.max_bytes = o.retention_bytes / static_cast<std::size_t>(o.partitions);
  if (limits.max_bytes < 1024) {
    throw std::invalid_argument(
        "memory bus: retention bytes per topic / partitions must leave at least 1 KiB per "
        "partition");
  }
  limits.max_age = o.retention_time;
  limits.max_record_bytes = o.max_record_bytes;
  return limits;
}

}  // namespace

memory_bus::memory_bus(memory_options options) : options_(std::move(options)) {
  const log_limits limits = limits_of(options_);
  const auto count = model::kind_count * static_cast<std::size_t>(options_.partitions);
  logs_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) logs_.push_back(std::make_unique<memory_log>(limits));
}

std::unique_ptr<producer> memory_bus::make_producer() {
  return std::make_unique<memory_producer>(*this);
}

std::unique_ptr<consumer> memory_bus::make_consumer() {
  return std::make_unique<memory_consumer>(*this);
}

int32_t memory_bus::partition_of(std::string_view key) const {
  return partition_for_key(key, options_.partitions);
}

result<delivery, bus_error> memory_bus::append(model::kind kind, std::string_view key,
                                               std::string_view value) {
  const int32_t partition = partition_of(key);
  const int64_t now = now_us();
  auto& log = *logs_[model::index(kind) * static_cast<std::size_t>(options_.partitions) +
                     static_cast<std::size_t>(partition)];
  auto offset = log.append(key, value, now / 1000, now);
  if (!offset) return failure(offset.error());
  signal_.appended();
  return delivery{partition, offset.value()};
}

const memory_log& memory_bus::log(model::kind kind, int32_t partition) const {
  return *logs_[model::index(kind) * static_cast<std::size_t>(options_.partitions) +
                static_cast<std::size_t>(partition)];
}

memory_bus::retained_stats memory_bus::retained(model::kind kind) const {
  retained_stats stats;
  for (int32_t p = 0; p < options_.partitions; ++p) {
    stats.records += log(kind, p).records();
    stats.bytes += log(kind, p).bytes();
  }
  return stats;
}

}  // namespace odin::bus
