#pragma once
// Shared by the publisher tests: server options for loopback, bounded waits, a record
// collector, and sample events of all 23 types with the check of what lands on the bus.
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <nlohmann/json.hpp>

#include "bus/consumer.h"
#include "bus/memory_bus.h"
#include "model/event_type.h"
#include "publisher/metered_producer.h"
#include "publisher/options.h"
#include "publisher/server.h"
#include "sim/event_factory.h"
#include "sim/simulator.h"
#include "support/bus_test_util.h"

namespace odin::publisher::testing {

using namespace std::chrono_literals;
using json = nlohmann::ordered_json;  // ordered: == compares member order too

inline options local_options() {
  options o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.request_timeout = 2s;
  o.shutdown_timeout = 1s;
  o.io_threads = 2;  // connections on strands of a shared io_context, as in production
  return o;
}

using test::consume;  // support/bus_test_util.h: bounded reads of a bus, poll_until
using test::consumed;
using test::poll_until;

// One event per type, each with its own token ("S0".."S22" + suffix): the value the bus must
// carry (the plan's (docs/plan.md) flat shape, from the simulator's generator) and the body to POST
// (nested form for even indexes, flat for odd ones).
struct sample {
  model::event_type type;
  std::string token;
  std::string expected;  // the record value, compact JSON
  json event;            // as POSTed
};

inline std::vector<sample> samples_of_every_type(const std::string& suffix) {
  std::vector<sample> out;
  sim::rng gen(7);
  for (model::event_type t : model::all_event_types()) {
    sample s{t, "S" + std::to_string(out.size()) + suffix, {}, {}};
    s.expected = sim::make_event(t, s.token, 1732280000000 + static_cast<int64_t>(out.size()), gen);
    json flat = json::parse(s.expected);
    if (out.size() % 2 == 0) {
      s.event = {{"type", flat["type"]},
                 {"tokenId", flat["tokenId"]},
                 {"timestamp", flat["timestamp"]},
                 {"data", json::object()}};
      for (auto& [k, v] : flat.items()) {
        if (k != "type" && k != "tokenId" && k != "timestamp") s.event["data"][k] = v;
      }
    } else {
      s.event = flat;
    }
    out.push_back(std::move(s));
  }
  return out;
}

inline std::string batch_body(const std::vector<sample>& samples) {
  json a = json::array();
  for (const sample& s : samples) a.push_back(s.event);
  return a.dump();
}

// No whitespace outside strings.
inline bool is_compact(std::string_view text) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      return false;
    }
  }
  return !in_string;
}

// Each sample arrived once: on its type's topic, keyed by its token, with the expected value
// (same members in the same order with the same values; numbers compare by value).
inline void expect_delivered(const std::vector<sample>& samples,
                             const std::vector<consumed>& records) {
  ASSERT_EQ(records.size(), samples.size());
  for (const sample& s : samples) {
    SCOPED_TRACE(std::string(model::to_string(s.type)));
    const auto it = std::find_if(records.begin(), records.end(),
                                 [&](const consumed& r) { return r.key == s.token; });
    ASSERT_NE(it, records.end()) << "no record keyed " << s.token;
    EXPECT_EQ(it->kind, model::kind_of(s.type));
    EXPECT_EQ(json::parse(it->value), json::parse(s.expected)) << it->value;
    EXPECT_TRUE(is_compact(it->value)) << it->value;
  }
}

// The wiring of `odin dev`: embedded bus, a metered producer shared by the simulator and the
// server, one Prometheus registry. The consumer exists before anything is published.
struct memory_stack {
  explicit memory_stack(options o = local_options(), sim::options so = {})
      : simulator(metered, std::move(so)), srv(std::move(o), metered, simulator, topics, registry) {
    srv.start();
  }
  uint16_t port() const { return srv.port(); }

  model::topic_map topics;
  bus::memory_bus bus{bus::memory_options{}};
  std::unique_ptr<bus::consumer> consumer = bus.make_consumer();
  std::unique_ptr<bus::producer> producer = bus.make_producer();
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  metered_producer metered{*producer, topics, registry};
  sim::simulator simulator;
  server srv;
};

}  // namespace odin::publisher::testing
