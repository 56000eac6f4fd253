#include "e2e/recovery_scenario.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string value_of(const std::string& token, int n) {
  return json{
      {"type", "TRADE_EXECUTED"}, {"tokenId", token}, {"timestamp", 1732280000000 + n}, {"n", n}}
      .dump();
}

std::string subscribe(const std::string& channel, const std::string& since_pos = "",
                      bool snapshot = false) {
  json req{{"type", "subscribe"}, {"channels", {channel}}, {"id", 1}};
  if (!since_pos.empty()) req["since"] = {{channel, since_pos}};
  if (snapshot) req["snapshot"] = true;
  return req.dump();
}

// Sends `request`, waits for its reply, then reads events until `want` arrived or `quiet`
// passed without any message (then a short extra wait catches what should NOT come).
received session(ws_client& c, const std::string& request, std::size_t want,
                 std::chrono::milliseconds deadline = 15s) {
  received out;
  c.send_text(request);
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    auto msg = c.read_text(200ms);
    if (!msg) {
      if (!out.reply.empty() && out.events.size() >= want) break;
      continue;
    }
    received_event ev;
    if (parse_event_frame(*msg, ev)) {
      EXPECT_FALSE(out.reply.empty()) << "an event came before the subscribe's reply: " << *msg;
      out.events.push_back(ev);
      out.raw.push_back(*msg);
    } else if (out.reply.empty()) {
      out.reply = *msg;
    }
  }
  return out;
}

// Reads more events for up to `wait` (what arrives after the expected ones).
void read_more(ws_client& c, received& r, std::size_t want, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until && r.events.size() < want + 1000) {
    auto msg = c.read_text(100ms);
    if (!msg) {
      if (r.events.size() >= want) return;
      continue;
    }
    received_event ev;
    if (parse_event_frame(*msg, ev)) {
      r.events.push_back(ev);
      r.raw.push_back(*msg);
    }
  }
}

std::vector<std::string> data_of(const received& r) {
  std::vector<std::string> out;
  for (const auto& e : r.events) out.push_back(e.data);
  return out;
}

json reply_json(const received& r) {
  return json::parse(r.reply, nullptr, false);
}

}  // namespace

std::vector<std::string> publish_numbered(const recovery_env& env, const std::string& token,
                                          int first, int count) {
  std::vector<std::string> values;
  for (int n = first; n < first + count; ++n) {
    values.push_back(value_of(token, n));
    EXPECT_TRUE(env.publish(model::event_type::trade_executed, token, values.back()));
  }
  return values;
}

void scenario_same_position_on_every_instance(const recovery_env& env) {
  const uint16_t a = env.start_instance({});
  const uint16_t b = env.start_instance({});
  ws_client ca("127.0.0.1", a);
  ws_client cb("127.0.0.1", b);
  ASSERT_TRUE(ca.request(subscribe("SAME.trade"), 5s));
  ASSERT_TRUE(cb.request(subscribe("SAME.trade"), 5s));
  const auto values = publish_numbered(env, "SAME", 0, 6);
  received ra, rb;
  read_more(ca, ra, values.size(), 15s);
  read_more(cb, rb, values.size(), 15s);
  ASSERT_EQ(data_of(ra), values);
  ASSERT_EQ(data_of(rb), values);
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_FALSE(ra.events[i].pos.empty());
    EXPECT_EQ(ra.events[i].pos, rb.events[i].pos) << "event " << i;
    if (i > 0) {
      EXPECT_NE(ra.events[i].pos, ra.events[i - 1].pos);
    }
  }
}

void scenario_reconnect_to_any_instance(const recovery_env& env) {
  const uint16_t a = env.start_instance({});
  const uint16_t b = env.start_instance({});
  std::string last_pos;
  {
    ws_client c("127.0.0.1", a);
    ASSERT_TRUE(c.request(subscribe("GAP.trade"), 5s));
    const auto first = publish_numbered(env, "GAP", 0, 5);
    received r;
    read_more(c, r, first.size(), 15s);
    ASSERT_EQ(data_of(r), first);
    last_pos = r.events.back().pos;
  }  // disconnected
  const auto missed = publish_numbered(env, "GAP", 5, 7);
  const uint16_t late = env.start_instance({});  // started after the M events
  std::vector<std::string> live_values;
  int next = 12;
  for (const uint16_t port : {b, late}) {
    SCOPED_TRACE(port == b ? "instance B (running during the gap)" : "instance started after it");
    ws_client c("127.0.0.1", port);
    received r = session(c, subscribe("GAP.trade", last_pos), missed.size());
    const json reply = reply_json(r);
    ASSERT_EQ(reply.value("type", ""), "subscribed") << r.reply;
    EXPECT_EQ(reply["recovered"], (json{{"GAP.trade", true}})) << r.reply;
    std::vector<std::string> expected = missed;
    expected.insert(expected.end(), live_values.begin(), live_values.end());
    ASSERT_EQ(data_of(r), expected) << "exactly the missed events, in order";
    const auto live = publish_numbered(env, "GAP", next, 3);
    next += 3;
    read_more(c, r, expected.size() + live.size(), 5s);
    std::this_thread::sleep_for(300ms);
    read_more(c, r, expected.size() + live.size(), 200ms);
    expected.insert(expected.end(), live.begin(), live.end());
    EXPECT_EQ(data_of(r), expected) << "then live events, nothing else";
    live_values.insert(live_values.end(), live.begin(), live.end());
  }
}

void scenario_no_gap_no_duplicate_under_load(const recovery_env& env, std::size_t history_size) {
  const uint16_t a = env.start_instance({history_size, 100000});
  const uint16_t b = env.start_instance({history_size, 100000});
  std::string last_pos;
  {
    ws_client c("127.0.0.1", a);
    ASSERT_TRUE(c.request(subscribe("HAM.trade"), 5s));
    const auto first = publish_numbered(env, "HAM", 0, 3);
    received r;
    read_more(c, r, first.size(), 15s);
    ASSERT_EQ(data_of(r), first);
    last_pos = r.events.back().pos;
  }
  // A producer hammers the channel before, during and after the reconnect.
  constexpr int total = 400;
  std::atomic<int> produced{0};
  std::vector<std::string> values(total);
  std::thread producer([&] {
    for (int n = 0; n < total; ++n) {
      values[static_cast<std::size_t>(n)] = value_of("HAM", 3 + n);
      EXPECT_TRUE(env.publish(model::event_type::trade_executed, "HAM",
                              values[static_cast<std::size_t>(n)]));
      produced.store(n + 1);
    }
  });
  while (produced.load() < total / 4) std::this_thread::sleep_for(1ms);
  ws_client c("127.0.0.1", b);
  received r = session(c, subscribe("HAM.trade", last_pos), 1, 15s);
  producer.join();
  read_more(c, r, total, 30s);
  std::this_thread::sleep_for(300ms);
  read_more(c, r, total, 200ms);
  EXPECT_EQ(reply_json(r)["recovered"], (json{{"HAM.trade", true}})) << r.reply;
  const std::vector<std::string> got = data_of(r);
  std::size_t first_diff = 0;
  while (first_diff < got.size() && first_diff < values.size() &&
         got[first_diff] == values[first_diff]) {
    ++first_diff;
  }
  ASSERT_EQ(got, values) << "every event after the position once, in order; got " << got.size()
                         << " of " << values.size() << ", first difference at " << first_diff
                         << (first_diff < got.size() ? ": " + got[first_diff] : std::string());
}

void scenario_not_recovered(const recovery_env& env) {
  const uint16_t a = env.start_instance({});
  const uint16_t capped = env.start_instance({0, 5});  // bus only, at most 5 events
  ws_client watcher("127.0.0.1", capped);              // tells when `capped` has read the whole gap
  ASSERT_TRUE(watcher.request(subscribe("OLD.trade"), 5s));
  std::string pos;
  {
    ws_client c("127.0.0.1", a);
    ASSERT_TRUE(c.request(subscribe("OLD.trade"), 5s));
    publish_numbered(env, "OLD", 0, 1);
    received r;
    read_more(c, r, 1, 15s);
    ASSERT_EQ(r.events.size(), 1u);
    pos = r.events[0].pos;
  }
  publish_numbered(env, "OLD", 1, 8);
  received seen;
  read_more(watcher, seen, 9, 15s);
  ASSERT_EQ(seen.events.size(), 9u);
  // More than WS_RECOVERY_MAX_EVENTS missed: not recovered, live delivery starts anyway.
  {
    ws_client c("127.0.0.1", capped);
    received r = session(c, subscribe("OLD.trade", pos), 0, 5s);
    EXPECT_EQ(reply_json(r)["recovered"], (json{{"OLD.trade", false}})) << r.reply;
    EXPECT_TRUE(r.events.empty()) << "nothing replayed";
    const auto live = publish_numbered(env, "OLD", 9, 2);
    read_more(c, r, live.size(), 10s);
    EXPECT_EQ(data_of(r), live) << "live delivery starts";
  }
  // The same offset with another check value (a recreated topic / reset bus): another epoch.
  const std::string forged =
      pos.substr(0, pos.rfind(':') + 1) +
      (pos.substr(pos.rfind(':') + 1) == "00000000" ? "00000001" : "00000000");
  for (const uint16_t port : {a, capped}) {
    ws_client c("127.0.0.1", port);
    received r = session(c, subscribe("OLD.trade", forged), 0, 5s);
    EXPECT_EQ(reply_json(r)["recovered"], (json{{"OLD.trade", false}})) << r.reply;
    EXPECT_TRUE(r.events.empty());
  }
  // An offset past the end of the partition (a bus that was reset to fewer records).
  const std::string beyond = "trade:" + pos.substr(6, pos.find(':', 6) - 6) + ":999999:00000000";
  ws_client c("127.0.0.1", capped);
  received r = session(c, subscribe("OLD.trade", beyond), 0, 5s);
  EXPECT_EQ(reply_json(r)["recovered"], (json{{"OLD.trade", false}})) << r.reply;
}

void scenario_invalid_position(const recovery_env& env) {
  const uint16_t a = env.start_instance({});
  ws_client c("127.0.0.1", a);
  for (const char* garbage : {"garbage", "trade:1:2", "liquidity:0:1:00000000", "trade:-1:0:0"}) {
    auto reply = c.request(subscribe("BAD.trade", garbage), 5s);
    ASSERT_TRUE(reply);
    const json j = json::parse(*reply);
    EXPECT_EQ(j.value("code", ""), "invalid_position") << *reply;
  }
  // All or nothing: the refused channel was not subscribed.
  publish_numbered(env, "BAD", 0, 1);
  EXPECT_FALSE(c.read_text(500ms)) << "no event of a refused subscribe";
}

void scenario_snapshot(const recovery_env& env) {
  const uint16_t a = env.start_instance({});
  ws_client warm("127.0.0.1", a);  // makes sure the instance has read the events
  ASSERT_TRUE(warm.request(subscribe("SNAP.trade"), 5s));
  const auto values = publish_numbered(env, "SNAP", 0, 3);
  received w;
  read_more(warm, w, values.size(), 15s);
  ASSERT_EQ(w.events.size(), values.size());

  ws_client c("127.0.0.1", a);
  received r = session(c, subscribe("SNAP.trade", "", true), 1, 10s);
  EXPECT_EQ(reply_json(r).value("type", ""), "subscribed") << r.reply;
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].data, values.back()) << "the latest event";
  EXPECT_EQ(r.events[0].pos, w.events.back().pos);
  const json flagged = json::parse(r.raw[0]);
  EXPECT_EQ(flagged.value("snapshot", false), true) << r.raw[0];
  const auto live = publish_numbered(env, "SNAP", 3, 2);
  read_more(c, r, 1 + live.size(), 10s);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[1].data, live[0]);
  EXPECT_EQ(r.events[2].data, live[1]);
  EXPECT_FALSE(json::parse(r.raw[1]).contains("snapshot")) << "live frames are not flagged";
  // A channel with no event yet: subscribed, no snapshot frame.
  ws_client quiet("127.0.0.1", a);
  received q = session(quiet, subscribe("NONE.trade", "", true), 0, 1s);
  EXPECT_EQ(reply_json(q).value("type", ""), "subscribed");
  EXPECT_TRUE(q.events.empty());
}

void scenario_snapshot_from_the_bus(const recovery_env& env) {
  const uint16_t a = env.start_instance({});
  ws_client watcher("127.0.0.1", a);  // tells when the events are in the bus
  ASSERT_TRUE(watcher.request(subscribe("COLD.trade"), 5s));
  const auto values = publish_numbered(env, "COLD", 0, 5);
  // Newer records of the channel the gateway would not forward: never a snapshot.
  EXPECT_TRUE(env.publish(model::event_type::trade_executed, "COLD", "not json"));
  EXPECT_TRUE(env.publish(model::event_type::trade_executed, "COLD",
                          R"({"type":"TRADE_EXECUTED","tokenId":"OTHER","timestamp":1})"));
  publish_numbered(env, "WARM", 0, 3);  // another channel, maybe on the same partition
  received w;
  read_more(watcher, w, values.size(), 15s);
  ASSERT_EQ(data_of(w), values);

  std::string latest = values.back();
  std::string latest_pos = w.events.back().pos;
  // History off or on, the instance started after the events has none of them in memory.
  for (const std::size_t history_size : {std::size_t{0}, std::size_t{100}}) {
    SCOPED_TRACE("history size " + std::to_string(history_size));
    const uint16_t late = env.start_instance({history_size, 1000});
    ws_client c("127.0.0.1", late);
    received r = session(c, subscribe("COLD.trade", "", true), 1, 15s);
    EXPECT_EQ(reply_json(r).value("type", ""), "subscribed") << r.reply;
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0].data, latest) << "the latest event the gateway would forward";
    EXPECT_EQ(r.events[0].pos, latest_pos) << "the same position as on every instance";
    EXPECT_EQ(json::parse(r.raw[0]).value("snapshot", false), true) << r.raw[0];
    // Then live, no duplicate of the snapshot.
    const auto live = publish_numbered(env, "COLD", 100 + static_cast<int>(history_size), 2);
    read_more(c, r, 1 + live.size(), 10s);
    std::this_thread::sleep_for(300ms);
    read_more(c, r, 1 + live.size(), 200ms);
    ASSERT_EQ(r.events.size(), 3u);
    EXPECT_EQ(r.events[1].data, live[0]);
    EXPECT_EQ(r.events[2].data, live[1]);
    EXPECT_FALSE(json::parse(r.raw[1]).contains("snapshot")) << "live frames are not flagged";
    latest = live.back();
    latest_pos = r.events[2].pos;

    // A channel with no event in the bus: subscribed, no snapshot frame, live flows.
    ws_client quiet("127.0.0.1", late);
    received q = session(
        quiet, subscribe("NEVER" + std::to_string(history_size) + ".trade", "", true), 0, 2s);
    EXPECT_EQ(reply_json(q).value("type", ""), "subscribed") << q.reply;
    EXPECT_TRUE(q.events.empty()) << q.raw.front();
    const auto first = publish_numbered(env, "NEVER" + std::to_string(history_size), 0, 1);
    read_more(quiet, q, 1, 10s);
    EXPECT_EQ(data_of(q), first) << "live delivery starts";
  }
}

}  // namespace odin::test
