// deploy/'s monitoring against a real Prometheus (Debian's `prometheus`), not a name list:
// Prometheus scrapes a running `odin dev` (gateway + publisher metrics), an `odin publisher`
// on librdkafka's mock cluster, and a Redpanda /public_metrics exposition
// (redpanda_public_metrics.prom), every second, with deploy/prometheus/alerts.yml loaded.
//   1. every PromQL expression of every Grafana panel (deploy/grafana/dashboards/*.json)
//      returns data; every alert rule evaluates without error and names only live metrics;
//   2. simulator stopped (POST /control {"action":"stop"}) -> OdinNoEvents goes pending, then
//      fires (and the "Firing alerts" panel has data);
//   3. brokers down under `odin publisher` -> POST /events fails -> OdinPublisherFailures
//      goes pending.
// The rule file is loaded with test-only durations (every `for:` 3s, every range [10s]) so the
// faults show in seconds; the expressions are otherwise the real ones. Every wait is bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "admin/fake_registry.h"
#include "deploy/prometheus_client.h"
#include "support/http_client.h"
#include "support/mock_cluster.h"
#include "support/process.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string local(uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

int post_status(uint16_t port, const std::string& target, const std::string& body) {
  return http_post(port, target, body).status;
}

bool answers(uint16_t port, const std::string& target) {
  return http_get(port, target, {}, 1s).status == 200;
}

template <class Pred>
bool eventually(std::chrono::milliseconds limit, Pred pred) {
  for (const auto deadline = clock::now() + limit; clock::now() < deadline;) {
    if (pred()) return true;
    std::this_thread::sleep_for(250ms);
  }
  return pred();
}

std::string prometheus_config(const fs::path& rules, uint16_t gateway, uint16_t dev_publisher,
                              uint16_t publisher, uint16_t redpanda) {
  std::ostringstream c;
  c << "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n  evaluation_interval: 1s\n"
    << "rule_files: [\"" << rules.string() << "\"]\n"
    << "scrape_configs:\n"
    << "  - job_name: gateway\n    static_configs: [{targets: [\"" << local(gateway) << "\"]}]\n"
    << "  - job_name: publisher\n    static_configs: [{targets: [\"" << local(dev_publisher)
    << "\", \"" << local(publisher) << "\"]}]\n"
    << "  - job_name: redpanda\n    metrics_path: /public_metrics\n"
    << "    static_configs: [{targets: [\"" << local(redpanda) << "\"]}]\n";
  return c.str();
}

std::string state_of(const prometheus_client& prom, const std::string& alert) {
  for (const rule_state& r : prom.rules()) {
    if (r.name == alert) return r.state;
  }
  return "missing";
}

// Reads everything the gateway sends, so the subscription stays a healthy, measured client.
class reader {
 public:
  explicit reader(uint16_t port) : client_("127.0.0.1", port) {
    subscribed_ = client_
                      .request(R"({"type":"subscribe","bundle":"ALL",)"
                               R"("tokens":["BTC","ETH","SOL","ODIN","DOGE"]})",
                               5s)
                      .has_value();
    thread_ = std::thread([this] {
      while (!stop_) client_.read_text(100ms);
    });
  }
  ~reader() {
    stop_ = true;
    thread_.join();
  }
  bool subscribed() const { return subscribed_; }

 private:
  ws_client client_;
  bool subscribed_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class DeployPrometheus : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("odin-prom-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(DeployPrometheus, PanelsAndAlertsAgainstLiveMetrics) {
  ASSERT_TRUE(fs::exists(ODIN_PROMETHEUS)) << "install Debian's prometheus (scripts/setup.sh)";
  // Ports picked before the processes start, because the scrape config names them: the one
  // suite still on free_port() for servers (tests/README.md says why the port-0 way is not
  // used yet).
  const uint16_t gateway = free_port(), dev_publisher = free_port(), publisher = free_port(),
                 prom_port = free_port();
  const std::map<std::string, std::string> base = {{"PATH", "/usr/bin:/bin"},
                                                   {"LOG_FORMAT", "text"},
                                                   {"LOG_LEVEL", "warn"},
                                                   {"PUBLISHER_HOST", "127.0.0.1"}};
  auto env = [&](std::map<std::string, std::string> more) {
    more.insert(base.begin(), base.end());
    return more;
  };
  child_process dev(ODIN_BINARY, {"dev", "--env-file", "/dev/null"},
                    env({{"WS_ADDR", local(gateway)},
                         {"WS_PUBLIC_BALANCES", "true"},  // the reader takes ALL, anonymously
                         {"PORT", std::to_string(dev_publisher)},
                         {"SIM_RATE", "200"}}));
  mock_cluster cluster(3);
  cluster.create_odin_topics(model::topic_map{});
  child_process pub(ODIN_BINARY, {"publisher", "--env-file", "/dev/null"},
                    env({{"KAFKA_BROKERS", cluster.bootstrap()},
                         {"PORT", std::to_string(publisher)},
                         {"KAFKA_DELIVERY_TIMEOUT_MS", "1500"}}));
  fake_registry redpanda;  // serves the recorded /public_metrics
  redpanda.serve_get("/public_metrics", {200, read_text(ODIN_REDPANDA_METRICS)});
  const uint16_t redpanda_port =
      static_cast<uint16_t>(std::stoi(redpanda.url().substr(redpanda.url().rfind(':') + 1)));

  const fs::path rules = dir_ / "alerts.yml";
  write_text(rules,
             shorten_rule_file(read_text(ODIN_DEPLOY "/prometheus/alerts.yml"), "3s", "10s"));
  write_text(dir_ / "prometheus.yml",
             prometheus_config(rules, gateway, dev_publisher, publisher, redpanda_port));
  child_process prom(ODIN_PROMETHEUS,
                     {"--config.file=" + (dir_ / "prometheus.yml").string(),
                      "--storage.tsdb.path=" + (dir_ / "data").string(),
                      "--web.listen-address=" + local(prom_port), "--log.level=warn"},
                     {{"PATH", "/usr/bin:/bin"}});
  const prometheus_client api(prom_port);

  ASSERT_TRUE(eventually(20s, [&] { return answers(gateway, "/health"); })) << dev.err();
  ASSERT_TRUE(eventually(20s, [&] { return answers(publisher, "/health"); })) << pub.err();
  ASSERT_TRUE(eventually(20s, [&] { return api.ready(); })) << prom.err();
  reader client(gateway);
  ASSERT_TRUE(client.subscribed());
  ASSERT_EQ(post_status(publisher, "/events",
                        R"({"type":"TRADE_EXECUTED","tokenId":"BTC","data":{"price":101.5,)"
                        R"("volume":3,"side":"buy","amount":1}})"),
            202)
      << pub.err();
  ASSERT_TRUE(eventually(20s, [&] {
    return api.targets_up({"gateway", "publisher", "redpanda"}, 4);
  })) << "every scrape target up";

  // 1. Every panel returns data (ALERTS only once an alert fires, below).
  std::vector<panel_query> alert_panels;
  for (const panel_query& q : dashboard_queries(ODIN_DEPLOY "/grafana/dashboards")) {
    if (q.expr.find("ALERTS") != std::string::npos) {
      alert_panels.push_back(q);
      continue;
    }
    std::string error;
    bool has_data = false;
    eventually(20s, [&] {
      auto result = api.query(q.expr, error);
      has_data = result && !result->empty();
      return has_data || !error.empty();
    });
    EXPECT_TRUE(error.empty()) << q.where << ": " << q.expr << ": " << error;
    EXPECT_TRUE(has_data) << q.where << ": no data for " << q.expr;
  }
  EXPECT_FALSE(alert_panels.empty()) << "the gateway dashboard lists firing alerts";

  // Every rule evaluated without error and selects only metrics Prometheus holds.
  ASSERT_TRUE(eventually(10s, [&] {
    const auto all = api.rules();
    return !all.empty() && std::none_of(all.begin(), all.end(), [](const rule_state& r) {
      return r.health == "unknown" || r.health.empty();
    });
  }));
  const std::set<std::string> live = api.metric_names_live();
  const std::vector<rule_state> all_rules = api.rules();
  EXPECT_GE(all_rules.size(), 14u);
  for (const rule_state& r : all_rules) {
    EXPECT_EQ(r.health, "ok") << r.name << ": " << r.last_error;
    for (const std::string& name : metric_names(r.query)) {
      EXPECT_TRUE(live.count(name)) << r.name << " uses " << name << ", which nothing exports";
    }
  }

  // 2. Simulator stopped: no events reach the gateway.
  ASSERT_EQ(state_of(api, "OdinNoEvents"), "inactive");
  ASSERT_EQ(post_status(dev_publisher, "/control", R"({"action":"stop"})"), 200);
  EXPECT_TRUE(eventually(40s, [&] { return state_of(api, "OdinNoEvents") == "pending"; }))
      << "OdinNoEvents: " << state_of(api, "OdinNoEvents");
  EXPECT_TRUE(eventually(20s, [&] { return state_of(api, "OdinNoEvents") == "firing"; }));
  for (const panel_query& q : alert_panels) {
    std::string error;
    EXPECT_TRUE(eventually(10s,
                           [&] {
                             auto result = api.query(q.expr, error);
                             return result && !result->empty();
                           }))
        << q.where << ": " << q.expr << " " << error;
  }

  // 3. The bus goes away under `odin publisher`: its POST /events are refused at once (503,
  // issue 14's fail-fast), which OdinPublisherRefusing reports; records that were enqueued
  // and then failed would be OdinPublisherFailures.
  ASSERT_EQ(state_of(api, "OdinPublisherRefusing"), "inactive");
  for (int b = 1; b <= cluster.brokers(); ++b) cluster.broker_down(b);
  int refused = 0;
  EXPECT_TRUE(eventually(40s,
                         [&] {
                           const int status =
                               post_status(publisher, "/events",
                                           R"({"type":"TRADE_EXECUTED","tokenId":"ETH","data":)"
                                           R"({"price":2.5,"volume":1,"side":"sell","amount":1}})");
                           refused += status >= 500 ? 1 : 0;
                           return state_of(api, "OdinPublisherRefusing") == "pending" ||
                                  state_of(api, "OdinPublisherRefusing") == "firing";
                         }))
      << "OdinPublisherRefusing: " << state_of(api, "OdinPublisherRefusing");
  EXPECT_GT(refused, 0) << "the publisher refused events while the brokers were down";
  for (int b = 1; b <= cluster.brokers(); ++b) cluster.broker_up(b);
}

// The helpers themselves: a misspelt metric is found, a duration is not a metric.
TEST(DeployPrometheusHelpers, MetricNamesAndShortenedRules) {
  EXPECT_EQ(
      metric_names(
          R"(sum by (job, instance) (rate(kafka_messages_received_total{job="gateway"}[2m])) == 0)"),
      (std::set<std::string>{"kafka_messages_received_total"}));
  EXPECT_EQ(
      metric_names(
          "histogram_quantile(0.99, sum by (le) (rate(ws_delivery_latency_secondz_bucket[10s])))"),
      (std::set<std::string>{"ws_delivery_latency_secondz_bucket"}));
  EXPECT_EQ(metric_names("up{job=\"redpanda\"} == 0 and on (instance) foo offset 5m"),
            (std::set<std::string>{"up", "foo"}));
  const std::string rules = "      - alert: A\n        expr: rate(x[5m]) > 0\n        for: 1m\n";
  EXPECT_EQ(shorten_rule_file(rules, "3s", "10s"),
            "      - alert: A\n        expr: rate(x[10s]) > 0\n        for: 3s\n");
}

}  // namespace
}  // namespace odin::test
