#pragma once
// replayer over the embedded bus's in-memory logs (odin dev): the same recovery protocol as
// on Kafka. Reads under each log's lock a run at a time, copies the matching records.
#include "bus/replayer.h"

namespace odin::bus {

class memory_bus;

class memory_replayer final : public replayer {
 public:
  explicit memory_replayer(const memory_bus& bus) : bus_(bus) {}

  std::vector<replay_answer> fetch(model::kind kind, int32_t partition,
                                   const std::vector<replay_query>& queries,
                                   std::size_t max_records,
                                   std::chrono::steady_clock::time_point deadline) override;

  std::vector<latest_answer> latest(model::kind kind, const std::vector<std::string>& keys,
                                    const record_accept& accept, std::size_t max_depth,
                                    std::chrono::steady_clock::time_point deadline) override;

 private:
  const memory_bus& bus_;
};

}  // namespace odin::bus
