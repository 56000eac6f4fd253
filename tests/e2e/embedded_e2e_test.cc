// End to end on the embedded bus: real gateway, real WebSocket clients, events of all 8 kinds.
#include <gtest/gtest.h>

#include <prometheus/registry.h>
#include <future>

#include "bus/memory_bus.h"
#include "e2e/fanout_scenario.h"
#include "gateway/gateway.h"
#include "support/test_io_threads.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;

TEST(EmbeddedE2E, EveryClientGetsExactlyItsChannelsVerbatimAndInOrder) {
  bus::memory_bus bus{bus::memory_options{}};
  auto consumer = bus.make_consumer();
  auto producer = bus.make_producer();
  gateway::options opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  opts.auth.public_balances = true;  // not about auth: ALL/balances anonymously
  opts.io_threads = ::odin::test::io_threads_or(2);
  gateway::gateway gw(opts, *consumer, std::make_shared<prometheus::Registry>());
  gw.start();

  const publish_fn publish = [&](model::event_type type, const std::string& token,
                                 const std::string& value) {
    auto done = std::make_shared<std::promise<bool>>();
    auto result = done->get_future();
    producer->produce(model::kind_of(type), token, value,
                      [done](auto r) { done->set_value(r.has_value()); });
    return result.wait_for(5s) == std::future_status::ready && result.get();
  };
  run_fanout_scenario(gw.port(), publish, 10s);
  gw.stop();
}

}  // namespace
}  // namespace odin::test
