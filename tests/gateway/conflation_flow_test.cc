// "mode": "latest" over the wire: a client that stops reading is not closed with 4008 when its
// flood is on conflatable channels, its queue stays bounded, and once it reads again the last
// event it gets of each conflated channel is the newest one (the skipped ones counted in
// "conflated"); its exact channel still gets its event.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "gateway/gateway_fixture.h"

namespace odin::gateway::test {
namespace {

using model::kind;
using namespace std::chrono_literals;

class ConflationFlow : public gateway_fixture {};

TEST_F(ConflationFlow, AStalledLatestClientStaysOpenAndBoundedAndEndsOnTheNewest) {
  options o = test_options();
  o.max_queue_bytes = 256 * 1024;
  start(o);
  auto stuck = connect_client(4096);  // tiny receive window, reads only at the end
  auto pacer = connect_client();      // reads every chunk, so pushes are paced by delivery
  ASSERT_EQ(request(*stuck, R"({"type":"subscribe","channels":["BIG.analytics","SYNC.trade"],)"
                            R"("mode":"latest"})")["type"],
            "subscribed");
  ASSERT_EQ(request(*stuck, R"({"type":"subscribe","channels":["END.trade"]})")["type"],
            "subscribed");
  ASSERT_EQ(request(*pacer, R"({"type":"subscribe","channels":["SYNC.trade"]})")["type"],
            "subscribed");
  const std::string blob = "\"" + std::string(16 * 1024, 'z') + "\"";
  constexpr int chunks = 100, per_chunk = 8;  // 800 frames of 16 KiB = 12.5 MiB
  double max_queued = 0;
  for (int chunk = 0; chunk < chunks; ++chunk) {
    for (int i = 0; i < per_chunk; ++i) push(kind::analytics, "BIG", blob);
    const std::string sync = push(kind::trade, "SYNC", std::to_string(chunk)).text;
    bool complete = false;
    pacer->read_until(sync, complete, 10s);
    ASSERT_TRUE(complete) << "chunk " << chunk;
    max_queued = std::max(max_queued, metric("ws_outbound_queue_bytes"));
  }
  const std::string end = push(kind::trade, "END", "1").text;
  EXPECT_EQ(metric("ws_slow_client_disconnects_total"), 0);
  const double conflated = metric("ws_conflated_events_total");
  EXPECT_GT(conflated, 0);
  std::printf("stalled latest client: max ws_outbound_queue_bytes %.0f, %.0f events conflated\n",
              max_queued, conflated);
  // Half the limit, then at most one pending frame per conflatable channel (and the reply).
  EXPECT_LE(max_queued, 128 * 1024 + 2 * (16 * 1024 + 200));

  // It reads again: everything up to END.trade, then the connection is still open.
  std::map<std::string, nlohmann::json> last;
  std::map<std::string, uint64_t> seen;  // events received + skipped, per channel
  bool ended = false;
  for (int i = 0; i < 2000 && !ended; ++i) {
    const ws_message m = stuck->read(5s);
    ASSERT_EQ(m.what, ws_message::kind::text) << "message " << i << ": " << m.error;
    if (m.payload == end) {
      ended = true;
      break;
    }
    const auto j = nlohmann::json::parse(m.payload);
    const std::string channel = j.at("channel");
    seen[channel] += 1 + j.value("conflated", uint64_t{0});
    last[channel] = j;
  }
  ASSERT_TRUE(ended);
  EXPECT_EQ(last.at("BIG.analytics").at("seq"), chunks * per_chunk);
  EXPECT_EQ(last.at("SYNC.trade").at("seq"), chunks);
  EXPECT_EQ(last.at("SYNC.trade").at("data").at("body"), chunks - 1);
  EXPECT_EQ(seen.at("BIG.analytics"), static_cast<uint64_t>(chunks * per_chunk));
  EXPECT_EQ(seen.at("SYNC.trade"), static_cast<uint64_t>(chunks));
  EXPECT_EQ(last.size(), 2u);  // nothing else arrived before END.trade
  EXPECT_EQ(request(*stuck, R"({"type":"ping","id":1})")["type"], "pong");
}

}  // namespace
}  // namespace odin::gateway::test
