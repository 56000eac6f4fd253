#pragma once
// What tests/deploy/prometheus_test.cc needs around a real Prometheus: its HTTP API (instant
// queries, rule states, live metric names), the PromQL of deploy/'s Grafana dashboards, the
// test's copy of the alert rules with short durations, and the metric names of an expression.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace odin::test {

struct panel_query {
  std::string where;  // "odin-gateway.json: Active connections"
  std::string expr;   // Grafana variables replaced
};

// Every target expression of every panel (rows' nested panels included) of the dashboards in
// `dir`, with $__rate_interval / $__interval / $instance replaced by values a 1 s scrape
// supports. An unknown $variable is kept, so the query fails and names it.
std::vector<panel_query> dashboard_queries(const std::string& dir);

// The rule file with every `for:` set to `for_value` and every range selector [..] to
// `range_value`: alert expressions unchanged otherwise, so a test sees them go pending in
// seconds rather than minutes.
std::string shorten_rule_file(const std::string& text, const std::string& for_value,
                              const std::string& range_value);

// Metric names an expression selects (identifiers that are not functions, keywords, label
// names, label values or durations).
std::set<std::string> metric_names(const std::string& expr);

struct rule_state {
  std::string name;
  std::string query;
  std::string health;      // ok | err | unknown
  std::string last_error;  // when health is err
  std::string state;       // inactive | pending | firing (alerting rules)
};

class prometheus_client {
 public:
  explicit prometheus_client(uint16_t port) : port_(port) {}

  // GET /api/v1/... and the parsed answer; nullopt when Prometheus did not answer.
  std::optional<nlohmann::json> get(const std::string& target) const;
  // An instant query: the answer's "data.result" array, or the error text in `error`.
  std::optional<nlohmann::json> query(const std::string& expr, std::string& error) const;
  std::vector<rule_state> rules() const;
  std::set<std::string> metric_names_live() const;
  // job → number of targets whose last scrape succeeded.
  bool targets_up(const std::vector<std::string>& jobs, std::size_t expected_up) const;
  bool ready() const;

 private:
  uint16_t port_;
};

}  // namespace odin::test
