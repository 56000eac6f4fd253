#pragma once
// A real gateway on 127.0.0.1, port 0, fed by a fake_consumer the test pushes records into.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <prometheus/registry.h>
#include <nlohmann/json.hpp>

#include "gateway/fake_consumer.h"
#include "gateway/gateway.h"
#include "gateway/test_events.h"
#include "model/channel.h"
#include "protocol/position.h"
#include "support/http_client.h"
#include "support/metrics_text.h"
#include "support/test_io_threads.h"
#include "support/wait_for.h"
#include "support/ws_client.h"

namespace odin::gateway::test {

inline options test_options() {
  options o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.io_threads = ::odin::test::io_threads_or(2);
  o.cpu_reject_threshold = 1000;  // the shared test machine is often busy
  o.guard_interval = std::chrono::milliseconds(50);
  o.handshake_timeout = std::chrono::seconds(2);
  o.shutdown_timeout = std::chrono::seconds(1);
  o.close_timeout = std::chrono::milliseconds(300);
  return o;
}

using ::odin::test::http_get;
using ::odin::test::http_reply;
using ::odin::test::metric_value;
using ::odin::test::wait_for;
using ::odin::test::ws_client;
using ::odin::test::ws_message;

// A record the test pushed, to compute what each client must receive.
struct pushed {
  std::string channel;
  std::string text;  // the exact event frame payload
};

class gateway_fixture : public ::testing::Test {
 protected:
  void TearDown() override {
    if (gw_) gw_->stop();
  }

  void start(options o = test_options()) {
    gw_ = std::make_unique<gateway>(o, consumer_, registry_);
    gw_->start();
  }
  uint16_t port() const { return gw_->port(); }

  std::unique_ptr<ws_client> connect_client(int receive_buffer = 0) {
    auto c = std::make_unique<ws_client>(port(), receive_buffer);
    EXPECT_EQ(c->connect(), 101);
    return c;
  }

  // Sends a request, returns the parsed reply (null when none came).
  static nlohmann::json request(ws_client& c, const std::string& text) {
    if (!c.send_text(text)) return nullptr;
    auto reply = c.read_text();
    if (!reply) return nullptr;
    return nlohmann::json::parse(*reply, nullptr, false);
  }

  // Pushes one record, an event object carrying `body` (test_events.h); returns what a
  // subscriber of its channel receives.
  pushed push(model::kind kind, const std::string& token, const std::string& body) {
    return push_value(kind, token, event_value(kind, token, body));
  }

  // Pushes one record whose value is `data` verbatim (a valid event object of `kind`).
  pushed push_value(model::kind kind, const std::string& token, const std::string& data) {
    const std::string channel = model::format_channel(token, kind);
    const uint64_t seq = ++seq_[channel];
    const int64_t ts = 1700000000000000 + static_cast<int64_t>(history_.size());
    consumer_.push(kind, token, data, ts);
    // The fake consumer numbers every record it hands out from 0, on partition 0.
    const protocol::stream_position pos{kind, 0, static_cast<int64_t>(history_.size()),
                                        protocol::record_check(token, ts / 1000, data)};
    char pos_text[protocol::max_position_size];
    const std::string pos_str(pos_text, protocol::write_position(pos, pos_text));
    history_.push_back({channel, R"({"type":"event","channel":")" + channel + R"(","seq":)" +
                                     std::to_string(seq) + R"(,"ts":)" + std::to_string(ts) +
                                     R"(,"pos":")" + pos_str + R"(","data":)" + data + "}"});
    return history_.back();
  }

  // Events of history_[from, to) on `channels`, in push order.
  std::vector<std::string> expected(const std::set<std::string>& channels, std::size_t from,
                                    std::size_t to) const {
    std::vector<std::string> out;
    for (std::size_t i = from; i < to; ++i) {
      if (channels.contains(history_[i].channel)) out.push_back(history_[i].text);
    }
    return out;
  }

  std::string metrics() const { return http_get(port(), "/metrics").body; }
  double metric(const std::string& sample) const {
    return metric_value(metrics(), sample).value_or(-1);
  }
  bool wait_metric(const std::string& sample, double value,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    return wait_for([&] { return metric(sample) == value; }, timeout);
  }

  fake_consumer consumer_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<gateway> gw_;
  std::map<std::string, uint64_t> seq_;
  std::vector<pushed> history_;
};

}  // namespace odin::gateway::test
