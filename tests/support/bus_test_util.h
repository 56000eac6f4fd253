#pragma once
// Shared by the suites that read a bus back (bus, publisher): options for the mock cluster,
// bounded waits, and a collector of consumed records.
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "bus/consumer.h"
#include "bus/kafka_options.h"
#include "support/mock_cluster.h"

namespace odin::test {

using namespace std::chrono_literals;

inline bus::kafka_options mock_options(const mock_cluster& cluster,
                                       std::string group_id = "bus-test") {
  bus::kafka_options o;
  o.brokers = cluster.bootstrap();
  o.group_id = std::move(group_id);
  o.fetch_wait_max = 10ms;  // the mock's empty fetches wait this long
  o.metadata_refresh = 1s;
  o.shutdown_timeout = 1s;
  // Come back quickly after a broker returns.
  o.extra["reconnect.backoff.ms"] = "50";
  o.extra["reconnect.backoff.max.ms"] = "300";
  o.extra["topic.metadata.refresh.interval.ms"] = "1000";
  return o;
}

// Calls `step` until `done()` holds or `limit` passes; returns done().
inline bool poll_until(
    const std::function<bool()>& done, std::chrono::milliseconds limit,
    const std::function<void()>& step = [] { std::this_thread::sleep_for(10ms); }) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) step();
  return done();
}

struct consumed {
  model::kind kind;
  int32_t partition;
  int64_t offset;
  int64_t ingest_us;
  std::string key;
  std::string value;
};

// Polls `c` (on the calling thread) until `want` records or `limit`; takes no more than `want`.
inline std::vector<consumed> consume(bus::consumer& c, std::size_t want,
                                     std::chrono::milliseconds limit) {
  std::vector<consumed> out;
  poll_until([&] { return out.size() >= want; }, limit,
             [&] {
               auto n = c.poll(100ms, want - out.size(), [&](const bus::record& r) {
                 out.push_back({r.kind, r.partition, r.offset, r.ingest_us, std::string(r.key),
                                std::string(r.value)});
               });
               EXPECT_TRUE(n.has_value());
             });
  return out;
}

}  // namespace odin::test
