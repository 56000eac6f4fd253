// A real gateway under pressure: slow clients, a slow shard (backpressure), admission limits,
// and shutdown with clients connected.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "gateway/gateway_fixture.h"
#include "gateway/record_filter.h"

namespace odin::gateway::test {
namespace {

using model::kind;
using namespace std::chrono_literals;

class GatewayFlow : public gateway_fixture {};

// Reads on its own thread until `sync` arrives; keeps what came before.
struct reader {
  explicit reader(std::unique_ptr<ws_client> c, std::string sync)
      : client(std::move(c)),
        thread([this, s = std::move(sync)] { received = client->read_until(s, complete, 30s); }) {}
  void join() { thread.join(); }
  std::unique_ptr<ws_client> client;
  std::vector<std::string> received;
  bool complete = false;
  std::thread thread;
};

TEST_F(GatewayFlow, AClientThatNeverReadsIsClosedWith4008AndTheOthersGetEverything) {
  options o = test_options();
  o.max_queue_bytes = 256 * 1024;
  start(o);
  auto stuck = connect_client(4096);  // tiny receive window, never reads until the end
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 2; ++i) clients.push_back(connect_client());
  for (auto* c : {stuck.get(), clients[0].get(), clients[1].get()}) {
    ASSERT_EQ(request(*c, R"({"type":"subscribe","channels":["BIG.trade","SYNC.trade"]})")["type"],
              "subscribed");
  }
  const std::string blob = "\"" + std::string(16 * 1024, 'z') + "\"";
  constexpr int chunks = 100, per_chunk = 8;  // 800 frames of 16 KiB = 12.5 MiB
  std::vector<std::string> sync_texts;
  std::vector<std::vector<std::string>> got(2);
  for (int chunk = 0; chunk < chunks; ++chunk) {
    for (int i = 0; i < per_chunk; ++i) push(kind::trade, "BIG", blob);
    sync_texts.push_back(push(kind::trade, "SYNC", std::to_string(chunk)).text);
    // Readers catch up each chunk, so only the stuck client's queue keeps growing.
    for (int r = 0; r < 2; ++r) {
      bool complete = false;
      auto part = clients[r]->read_until(sync_texts.back(), complete, 10s);
      ASSERT_TRUE(complete) << "reader " << r << " chunk " << chunk;
      got[r].insert(got[r].end(), part.begin(), part.end());
    }
  }
  const auto want = expected({"BIG.trade"}, 0, history_.size());
  for (int r = 0; r < 2; ++r) EXPECT_EQ(got[r] == want, true) << "reader " << r;
  EXPECT_TRUE(wait_metric("ws_slow_client_disconnects_total", 1));
  EXPECT_TRUE(wait_metric("ws_active_connections", 2));

  // After the fact: the stuck client finds its connection closed (4008 when the close frame
  // made it into the socket before the close timeout, else the stream just ends) and far
  // fewer events than were sent.
  std::size_t events = 0;
  ws_message m;
  for (int i = 0; i < 2000; ++i) {
    m = stuck->read(3s);
    if (m.what != ws_message::kind::text) break;
    ++events;
  }
  EXPECT_NE(m.what, ws_message::kind::timeout);
  if (m.what == ws_message::kind::closed) {
    EXPECT_EQ(m.close_code, 4008);
  }
  EXPECT_LT(events, want.size());
  EXPECT_EQ(metric("ws_slow_client_disconnects_total"), 1);
  EXPECT_EQ(metric("ws_outbound_queue_bytes"), 0);
}

TEST_F(GatewayFlow, TinyInboxesPauseTheBusAndEverySubscriberGetsEveryRecord) {
  options o = test_options();
  o.shard_inbox_frames = 4;
  o.dispatch = dispatch_mode::thread;  // inboxes exist only with a dispatcher thread
  start(o);
  std::vector<std::unique_ptr<reader>> readers;
  constexpr int total = 3000;
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(connect_client());
    ASSERT_EQ(request(*clients.back(), R"({"type":"subscribe","channels":["BTC.trade"]})")["type"],
              "subscribed");
  }
  for (int i = 0; i < total; ++i) push(kind::trade, "BTC", R"({"n":)" + std::to_string(i) + "}");
  const std::string last = history_.back().text;
  for (auto& c : clients) readers.push_back(std::make_unique<reader>(std::move(c), last));
  for (auto& r : readers) r->join();
  const auto want = expected({"BTC.trade"}, 0, history_.size() - 1);
  for (auto& r : readers) {
    EXPECT_TRUE(r->complete);
    EXPECT_EQ(r->received.size(), want.size());
    EXPECT_TRUE(r->received == want);
  }
  EXPECT_GE(consumer_.pauses(), 1);
  EXPECT_GE(metric("kafka_consumer_pauses_total"), 1);
  EXPECT_TRUE(wait_for([&] { return !consumer_.paused(); }, 5s));
  EXPECT_TRUE(wait_metric("kafka_consumer_paused", 0));
  for (const char* reason : drop_reason_names) {
    EXPECT_EQ(metric(std::string(R"(kafka_messages_dropped_total{reason=")") + reason + "\"}"), 0)
        << reason;
  }
  EXPECT_GE(metric("ws_delivery_latency_seconds_count"), 1);
}

TEST_F(GatewayFlow, ConnectionLimitAnswers503AndFreesSlotsOnClose) {
  options o = test_options();
  o.max_connections = 2;
  start(o);
  auto a = connect_client();
  auto b = connect_client();
  ws_client c(port());
  EXPECT_EQ(c.connect(), 503);
  EXPECT_EQ(metric(R"(ws_connections_rejected_total{reason="limit"})"), 1);
  EXPECT_TRUE(a->close());
  EXPECT_TRUE(wait_metric("ws_active_connections", 1));
  ws_client d(port());
  EXPECT_EQ(d.connect(), 101);
}

// The connection count (connection_slot.h) goes back to 0 whatever ends a connection: an
// upgrade refused at the limit or by a guard (after the slot was taken), a client close.
TEST_F(GatewayFlow, ConnectionCountReturnsToZeroAfterRefusalsAndCloses) {
  options o = test_options();
  o.max_connections = 1;
  start(o);
  EXPECT_EQ(gw_->connection_count(), 0u);
  auto a = connect_client();
  EXPECT_EQ(gw_->connection_count(), 1u);
  EXPECT_EQ(ws_client(port()).connect(), 503);  // limit
  EXPECT_EQ(gw_->connection_count(), 1u);
  EXPECT_TRUE(a->close());
  EXPECT_TRUE(wait_for([&] { return gw_->connection_count() == 0; }, 5s));
  auto b = connect_client();
  b.reset();  // the client vanishes without a close frame
  EXPECT_TRUE(wait_for([&] { return gw_->connection_count() == 0; }, 5s));
  gw_->stop();

  o.memory_limit_bytes = 1;  // the guard refuses after the slot was taken
  start(o);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ws_client(port()).connect(), 503);
  EXPECT_EQ(metric(R"(ws_connections_rejected_total{reason="memory"})"), 3);
  // The slot goes back once the refusing handler returns (the 503 may be on the wire first).
  EXPECT_TRUE(wait_for([&] { return gw_->connection_count() == 0; }, 5s));
}

TEST_F(GatewayFlow, MemoryAndCpuGuardsRefuseUpgrades) {
  options o = test_options();
  o.memory_limit_bytes = 1;
  start(o);
  ws_client a(port());
  EXPECT_EQ(a.connect(), 503);
  EXPECT_EQ(metric(R"(ws_connections_rejected_total{reason="memory"})"), 1);
  gw_->stop();

  o.memory_limit_bytes = ~0ull;
  o.cpu_reject_threshold = -1;  // any CPU figure is above it, once the guard has sampled twice
  start(o);
  EXPECT_TRUE(wait_for([&] { return ws_client(port()).connect() == 503; }, 5s));
  EXPECT_GE(metric(R"(ws_connections_rejected_total{reason="cpu"})"), 1);
}

TEST_F(GatewayFlow, StartThrowsAClearErrorWhenItCannotListen) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  options o = test_options();
  o.port = taken.local_endpoint().port();
  gateway busy(o, consumer_, registry_);
  try {
    busy.start();
    ADD_FAILURE() << "start() should throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(o.port)),
              std::string::npos)
        << e.what();
  }
  o.host = "not-an-address";
  gateway bad_host(o, consumer_, registry_);
  EXPECT_THROW(bad_host.start(), std::runtime_error);
}

TEST_F(GatewayFlow, AConnectionThatSendsNoRequestIsDroppedAfterTheHandshakeTimeout) {
  options o = test_options();
  o.handshake_timeout = 200ms;
  start(o);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
  char byte = 0;
  boost::system::error_code result = boost::asio::error::timed_out;
  const auto t0 = std::chrono::steady_clock::now();
  socket.async_read_some(boost::asio::buffer(&byte, 1),
                         [&](const boost::system::error_code& ec, std::size_t) { result = ec; });
  io.run_for(3s);
  EXPECT_EQ(result, boost::asio::error::eof);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_F(GatewayFlow, StopClosesEveryClientWith1001InTime) {
  options o = test_options();
  o.shutdown_timeout = 1s;
  start(o);
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(connect_client());
    ASSERT_EQ(request(*clients.back(), R"({"type":"subscribe","channels":["BTC.trade"]})")["type"],
              "subscribed");
  }
  for (int i = 0; i < 50; ++i) push(kind::trade, "BTC", std::to_string(i));
  EXPECT_TRUE(wait_metric("ws_broadcasts_total", 50));
  std::vector<uint16_t> codes(clients.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 100; ++n) {
        ws_message m = clients[i]->read(5s);
        if (m.what == ws_message::kind::closed) codes[i] = m.close_code;
        if (m.what != ws_message::kind::text) return;
      }
    });
  }
  const auto t0 = std::chrono::steady_clock::now();
  gw_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, o.shutdown_timeout + 1s);
  for (auto& t : threads) t.join();
  for (uint16_t code : codes) EXPECT_EQ(code, 1001);
  ws_client late(port());
  EXPECT_EQ(late.connect("/ws", 1s), 0) << "nothing listens any more";
}

}  // namespace
}  // namespace odin::gateway::test
