#include "e2e/fanout_scenario.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "model/bundle.h"
#include "model/channel.h"
#include "support/http_client.h"
#include "support/wait_for.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;
using channel_set = std::set<std::string>;

const std::vector<std::string> tokens = {"BTC", "ETH", "SOL", "DOGE"};

struct client_plan {
  std::string name;
  std::vector<std::string> subscribe_phase1;  // requests sent before phase 1
  channel_set phase1;                         // what it must receive in phase 1
  std::vector<std::string> subscribe_phase2;  // requests sent between the phases
  channel_set phase2;
};

channel_set expand(model::bundle b, const std::vector<std::string>& toks) {
  channel_set out;
  for (const auto& t : toks)
    for (model::kind k : model::kinds_of(b)) out.insert(model::format_channel(t, k));
  return out;
}

channel_set unite(channel_set a, const channel_set& b) {
  a.insert(b.begin(), b.end());
  return a;
}

std::vector<client_plan> make_plans() {
  using model::bundle;
  std::vector<client_plan> plans;
  plans.push_back({"trading-btc-eth",
                   {R"({"type":"subscribe","bundle":"TRADING","tokens":["BTC","ETH"],"id":1})"},
                   expand(bundle::trading, {"BTC", "ETH"}),
                   {},
                   expand(bundle::trading, {"BTC", "ETH"})});
  plans.push_back(
      {"explicit-channels",
       {R"({"type":"subscribe","channels":["SOL.metadata","BTC.balances","DOGE.creation"]})"},
       {"SOL.metadata", "BTC.balances", "DOGE.creation"},
       {},
       {"SOL.metadata", "BTC.balances", "DOGE.creation"}});
  plans.push_back({"overlapping",
                   {R"({"type":"subscribe","bundle":"TRADING","tokens":["BTC"]})",
                    R"({"type":"subscribe","bundle":"PRICE_ONLY","tokens":["BTC"]})",
                    R"({"type":"subscribe","channels":["BTC.trade","BTC.analytics"]})"},
                   expand(bundle::trading, {"BTC"}),
                   {},
                   expand(bundle::trading, {"BTC"})});
  plans.push_back({"unsubscribes-mid-stream",
                   {R"({"type":"subscribe","bundle":"ALL","tokens":["ETH"]})"},
                   expand(bundle::all, {"ETH"}),
                   {R"({"type":"unsubscribe","bundle":"ALL","tokens":["ETH"]})",
                    R"({"type":"subscribe","channels":["SOL.social"]})"},
                   {"SOL.social"}});
  plans.push_back(
      {"community",
       {R"({"type":"subscribe","bundle":"COMMUNITY","tokens":["DOGE","SOL"]})"},
       expand(bundle::community, {"DOGE", "SOL"}),
       {R"({"type":"subscribe","bundle":"PORTFOLIO","tokens":["DOGE"]})"},
       unite(expand(bundle::community, {"DOGE", "SOL"}), expand(bundle::portfolio, {"DOGE"}))});
  return plans;
}

// Publishes every event type for every token once (92 events); returns value per channel,
// in publication order.
std::map<std::string, std::vector<std::string>> publish_round(const publish_fn& publish, int n) {
  std::map<std::string, std::vector<std::string>> sent;
  for (model::event_type type : model::all_event_types()) {
    for (const auto& token : tokens) {
      const std::string value = scenario_value(type, token, n);
      EXPECT_TRUE(publish(type, token, value)) << model::to_string(type) << " " << token;
      sent[model::format_channel(token, model::kind_of(type))].push_back(value);
    }
  }
  return sent;
}

std::size_t expected_count(const channel_set& channels,
                           const std::map<std::string, std::vector<std::string>>& sent) {
  std::size_t n = 0;
  for (const auto& c : channels) {
    auto it = sent.find(c);
    if (it != sent.end()) n += it->second.size();
  }
  return n;
}

// Reads until `want` events arrived (or the deadline), then a short quiet period to catch
// extras; checks exact content and per-channel order.
void expect_round(ws_client& client, const client_plan& plan, const channel_set& channels,
                  const std::map<std::string, std::vector<std::string>>& sent,
                  std::chrono::milliseconds deadline) {
  const std::size_t want = expected_count(channels, sent);
  std::map<std::string, std::vector<std::string>> got;
  std::map<std::string, uint64_t> last_seq;
  std::size_t count = 0;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (count < want && std::chrono::steady_clock::now() < until) {
    auto msg = client.read_text(100ms);
    if (!msg) continue;
    received_event ev;
    ASSERT_TRUE(parse_event_frame(*msg, ev)) << plan.name << " got a non-event: " << *msg;
    ASSERT_TRUE(channels.count(ev.channel)) << plan.name << " got unsubscribed " << ev.channel;
    if (last_seq.count(ev.channel)) {
      EXPECT_EQ(ev.seq, last_seq[ev.channel] + 1) << plan.name << " " << ev.channel;
    }
    last_seq[ev.channel] = ev.seq;
    got[ev.channel].push_back(ev.data);
    ++count;
  }
  EXPECT_EQ(count, want) << plan.name << ": events received";
  auto extra = client.read_text(300ms);
  EXPECT_FALSE(extra) << plan.name << " got an extra message: " << extra.value_or("");
  for (const auto& c : channels) {
    auto it = sent.find(c);
    const std::vector<std::string> expect =
        it == sent.end() ? std::vector<std::string>{} : it->second;
    EXPECT_EQ(got[c], expect) << plan.name << ": " << c << " content/order";
  }
}

void send_requests(ws_client& client, const std::vector<std::string>& requests,
                   const std::string& name) {
  for (const auto& r : requests) {
    auto reply = client.request(r, 5s);
    ASSERT_TRUE(reply) << name << ": no reply to " << r;
    const auto j = nlohmann::json::parse(*reply);
    EXPECT_TRUE(j["type"] == "subscribed" || j["type"] == "unsubscribed") << *reply;
  }
}

}  // namespace

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  return test::wait_for(condition, timeout, 20ms);
}

bool wait_healthy(uint16_t port, std::chrono::milliseconds timeout) {
  // http_get answers status 0 while nothing listens yet.
  return wait_until([&] { return http_get(port, "/health").status == 200; }, timeout);
}

bool parse_event_frame(const std::string& frame, received_event& out) {
  const auto data_pos = frame.find(",\"data\":");
  if (data_pos == std::string::npos || frame.back() != '}') return false;
  const auto head = nlohmann::json::parse(frame.substr(0, data_pos) + "}", nullptr, false);
  if (head.is_discarded() || head.value("type", "") != "event") return false;
  out.channel = head.value("channel", "");
  out.seq = head.value("seq", uint64_t{0});
  out.ts = head.value("ts", int64_t{0});
  out.pos = head.value("pos", "");
  out.data = frame.substr(data_pos + 8, frame.size() - data_pos - 9);
  return true;
}

std::string scenario_value(model::event_type type, const std::string& token, int n) {
  return nlohmann::json{{"type", model::to_string(type)},
                        {"tokenId", token},
                        {"timestamp", 1732280000000 + n},
                        {"n", n},
                        {"note", "verbatim \u00e9 \"quoted\""}}
      .dump();
}

void run_fanout_scenario(uint16_t port, const publish_fn& publish,
                         std::chrono::milliseconds delivery_deadline) {
  const auto plans = make_plans();
  std::vector<std::unique_ptr<ws_client>> clients;
  for (const auto& p : plans) {
    clients.push_back(std::make_unique<ws_client>("127.0.0.1", port));
    send_requests(*clients.back(), p.subscribe_phase1, p.name);
  }
  const auto round1 = publish_round(publish, 1);
  for (std::size_t i = 0; i < plans.size(); ++i)
    expect_round(*clients[i], plans[i], plans[i].phase1, round1, delivery_deadline);

  for (std::size_t i = 0; i < plans.size(); ++i)
    send_requests(*clients[i], plans[i].subscribe_phase2, plans[i].name);
  const auto round2 = publish_round(publish, 2);
  for (std::size_t i = 0; i < plans.size(); ++i)
    expect_round(*clients[i], plans[i], plans[i].phase2, round2, delivery_deadline);
}

}  // namespace odin::test
