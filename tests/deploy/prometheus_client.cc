#include "deploy/prometheus_client.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "admin/http_client.h"  // url_encode_segment
#include "support/http_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Grafana's variables as a dashboard at "All" and a 1 s scrape interval would expand them.
std::string expand_variables(std::string expr, const json& dashboard) {
  expr = replace_all(expr, "$__rate_interval", "10s");
  expr = replace_all(expr, "$__interval", "5s");
  for (const json& v : dashboard.value("templating", json::object()).value("list", json::array())) {
    expr = replace_all(expr, "$" + v.value("name", std::string("?")),
                       v.value("allValue", std::string(".*")));
  }
  return expr;
}

// `label_values(SELECTOR, label)` of a query variable becomes `count by (label) (SELECTOR)`.
std::optional<std::string> variable_query(const json& variable) {
  static const std::regex label_values(R"(^label_values\((.*),\s*(\w+)\)$)");
  std::smatch m;
  const std::string def = variable.value("definition", std::string());
  if (!std::regex_match(def, m, label_values)) return std::nullopt;
  return "count by (" + m[2].str() + ") (" + m[1].str() + ")";
}

void collect_panels(const json& panels, const json& dashboard, const std::string& file,
                    std::vector<panel_query>& out) {
  for (const json& panel : panels) {
    if (panel.contains("panels")) collect_panels(panel["panels"], dashboard, file, out);
    for (const json& target : panel.value("targets", json::array())) {
      if (!target.contains("expr")) continue;
      out.push_back({file + ": " + panel.value("title", std::string("?")),
                     expand_variables(target["expr"].get<std::string>(), dashboard)});
    }
  }
}

std::string url_query(const std::string& expr) {
  return "/api/v1/query?query=" + admin::url_encode_segment(expr);
}

}  // namespace

std::vector<panel_query> dashboard_queries(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<panel_query> out;
  for (const auto& path : files) {
    const json dashboard = json::parse(read_text(path));
    const std::string file = path.filename().string();
    collect_panels(dashboard.value("panels", json::array()), dashboard, file, out);
    for (const json& v :
         dashboard.value("templating", json::object()).value("list", json::array())) {
      if (auto q = variable_query(v))
        out.push_back({file + ": variable $" + v.value("name", ""), *q});
    }
  }
  return out;
}

std::string shorten_rule_file(const std::string& text, const std::string& for_value,
                              const std::string& range_value) {
  static const std::regex for_line(R"(^(\s*for:\s*)\S+(.*)$)");
  static const std::regex range(R"(\[\d+[smhdwy]\])");
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, for_line)) line = m[1].str() + for_value + m[2].str();
    out += std::regex_replace(line, range, "[" + range_value + "]") + "\n";
  }
  return out;
}

std::set<std::string> metric_names(const std::string& expr) {
  static const std::regex strings(R"("(?:[^"\\]|\\.)*")");
  static const std::regex braces(R"(\{[^}]*\}|\[[^\]]*\])");
  static const std::regex grouping(
      R"(\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\))");
  static const std::regex ident(R"([A-Za-z_:][A-Za-z0-9_:]*)");
  static const std::set<std::string> keywords = {
      "by", "without", "on",   "ignoring", "group_left", "group_right", "and",
      "or", "unless",  "bool", "offset",   "inf",        "nan"};
  std::string e = std::regex_replace(expr, strings, "\"\"");
  e = std::regex_replace(e, braces, " ");
  e = std::regex_replace(e, grouping, " ");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(e.begin(), e.end(), ident); it != std::sregex_iterator();
       ++it) {
    const std::size_t end = static_cast<std::size_t>(it->position() + it->length());
    const std::size_t next = e.find_first_not_of(' ', end);
    const bool is_call = next != std::string::npos && e[next] == '(';
    const bool after_digit =
        it->position() > 0 &&
        std::isdigit(static_cast<unsigned char>(e[static_cast<std::size_t>(it->position()) - 1]));
    const std::string name = it->str();
    if (!is_call && !after_digit && keywords.count(name) == 0) names.insert(name);
  }
  return names;
}

std::optional<json> prometheus_client::get(const std::string& target) const {
  const http_reply reply = http_get(port_, target, {}, 5s);
  if (reply.status == 0) return std::nullopt;
  json body = json::parse(reply.body, nullptr, false);
  if (body.is_discarded()) return std::nullopt;
  return body;
}

std::optional<json> prometheus_client::query(const std::string& expr, std::string& error) const {
  auto answer = get(url_query(expr));
  if (!answer) {
    error = "no answer from Prometheus";
    return std::nullopt;
  }
  if (answer->value("status", std::string()) != "success") {
    error = answer->value("error", std::string("?"));
    return std::nullopt;
  }
  return (*answer)["data"]["result"];
}

std::vector<rule_state> prometheus_client::rules() const {
  std::vector<rule_state> out;
  auto answer = get("/api/v1/rules");
  if (!answer) return out;
  for (const json& group : (*answer)["data"].value("groups", json::array())) {
    for (const json& r : group.value("rules", json::array())) {
      out.push_back({r.value("name", ""), r.value("query", ""), r.value("health", ""),
                     r.value("lastError", ""), r.value("state", "")});
    }
  }
  return out;
}

std::set<std::string> prometheus_client::metric_names_live() const {
  std::set<std::string> out;
  if (auto answer = get("/api/v1/label/__name__/values")) {
    for (const json& n : answer->value("data", json::array())) out.insert(n.get<std::string>());
  }
  return out;
}

bool prometheus_client::targets_up(const std::vector<std::string>& jobs,
                                   std::size_t expected_up) const {
  auto answer = get("/api/v1/targets?state=active");
  if (!answer) return false;
  std::size_t up = 0;
  for (const json& t : (*answer)["data"].value("activeTargets", json::array())) {
    const std::string job = t["labels"].value("job", "");
    if (std::find(jobs.begin(), jobs.end(), job) != jobs.end() && t.value("health", "") == "up") {
      ++up;
    }
  }
  return up == expected_up;
}

bool prometheus_client::ready() const {
  return http_get(port_, "/-/ready", {}, 2s).status == 200;
}

}  // namespace odin::test
