#include "loadtest/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace odin::loadtest {

void connection_counts::merge(const connection_counts& o) {
  target += o.target;
  attempted += o.attempted;
  established += o.established;
  subscribed += o.subscribed;
  failed += o.failed;
  open_at_end += o.open_at_end;
  for (const auto& [k, v] : o.failures) failures[k] += v;
  for (const auto& [k, v] : o.closed_by_server) closed_by_server[k] += v;
}

void event_counts::merge(const event_counts& o) {
  received += o.received;
  received_all += o.received_all;
  wire_bytes += o.wire_bytes;
  inflated += o.inflated;
  replies += o.replies;
  request_errors += o.request_errors;
  seq.merge(o.seq);
  balances.merge(o.balances);
}

double report::events_per_second() const {
  const double s = window_seconds();
  return s > 0 ? static_cast<double>(events.received) / s : 0.0;
}

double report::own_balances_per_second() const {
  const double s = window_seconds();
  return s > 0 ? static_cast<double>(events.balances.own_in_window) / s : 0.0;
}

void report::merge(const report& o) {
  if (protocol.empty()) protocol = o.protocol;
  if (server.empty()) server = o.server;
  if (window_start_us == 0 || (o.window_start_us != 0 && o.window_start_us < window_start_us)) {
    window_start_us = o.window_start_us;
  }
  window_end_us = std::max(window_end_us, o.window_end_us);
  connections.merge(o.connections);
  events.merge(o.events);
  latency.merge(o.latency);
  if (server_usage.pids.empty()) server_usage = o.server_usage;
  client_cpu_seconds += o.client_cpu_seconds;
  client_rss_kb += o.client_rss_kb;
  reconnects.merge(o.reconnects);
}

namespace {

nlohmann::json latency_json(const latency_histogram& h) {
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& [i, n] : h.sparse()) buckets.push_back({i, n});
  return {{"count", h.count()},           {"min", h.min()},          {"mean", h.mean()},
          {"p50", h.percentile(50)},      {"p90", h.percentile(90)}, {"p99", h.percentile(99)},
          {"p999", h.percentile(99.9)},   {"max", h.max()},          {"sum", h.sum()},
          {"buckets", std::move(buckets)}};
}

nlohmann::json balances_json(const report& r) {
  const auto& b = r.events.balances;
  return {{"own_events", b.own},
          {"own_events_in_window", b.own_in_window},
          {"own_per_second", r.own_balances_per_second()},
          {"foreign_balance_events", b.foreign},
          {"unchecked_events", b.unchecked}};
}

nlohmann::json usage_json(const process_usage& u, uint64_t established) {
  nlohmann::json j = {{"pids", u.pids},
                      {"cpu_seconds", u.cpu_seconds},
                      {"rss_before_kb", u.rss_before_kb},
                      {"rss_start_kb", u.rss_start_kb},
                      {"rss_end_kb", u.rss_end_kb}};
  if (!u.pids.empty() && established > 0 && u.rss_end_kb > u.rss_before_kb) {
    j["rss_per_connection_bytes"] =
        static_cast<double>(u.rss_end_kb - u.rss_before_kb) * 1024.0 / established;
  }
  return j;
}

}  // namespace

nlohmann::json to_json(const report& r) {
  const auto& c = r.connections;
  const auto& e = r.events;
  nlohmann::json closed = nlohmann::json::object();
  for (const auto& [code, n] : c.closed_by_server) closed[std::to_string(code)] = n;
  nlohmann::json out = {
      {"protocol", r.protocol},
      {"server", r.server},
      {"workers", r.workers},
      {"window_start_us", r.window_start_us},
      {"window_end_us", r.window_end_us},
      {"window_seconds", r.window_seconds()},
      {"connections",
       {{"target", c.target},
        {"attempted", c.attempted},
        {"established", c.established},
        {"subscribed", c.subscribed},
        {"failed", c.failed},
        {"open_at_end", c.open_at_end},
        {"failures", c.failures},
        {"closed_by_server", closed}}},
      {"events",
       {{"received", e.received},
        {"received_all", e.received_all},
        {"per_second", r.events_per_second()},
        {"replies", e.replies},
        {"request_errors", e.request_errors},
        {"wire_bytes", e.wire_bytes},
        {"inflated", e.inflated},
        {"loss", e.seq.loss()},
        {"gaps", e.seq.gaps},
        {"tail_loss", e.seq.tail_loss},
        {"duplicates", e.seq.duplicates},
        {"out_of_order", e.seq.out_of_order},
        {"unexpected", e.seq.unexpected},
        {"balances", balances_json(r)}}},
      {"latency_us", latency_json(r.latency)},
      {"server_usage", usage_json(r.server_usage, c.established)},
      {"client", {{"cpu_seconds", r.client_cpu_seconds}, {"rss_kb", r.client_rss_kb}}},
  };
  if (r.reconnects.enabled) out["reconnects"] = to_json(r.reconnects);
  return out;
}

report report_from_json(const nlohmann::json& j) {
  report r;
  r.protocol = j.at("protocol").get<std::string>();
  r.server = j.at("server").get<std::string>();
  r.workers = j.at("workers").get<uint64_t>();
  r.window_start_us = j.at("window_start_us").get<int64_t>();
  r.window_end_us = j.at("window_end_us").get<int64_t>();
  const auto& c = j.at("connections");
  auto& rc = r.connections;
  rc.target = c.at("target").get<uint64_t>();
  rc.attempted = c.at("attempted").get<uint64_t>();
  rc.established = c.at("established").get<uint64_t>();
  rc.subscribed = c.at("subscribed").get<uint64_t>();
  rc.failed = c.at("failed").get<uint64_t>();
  rc.open_at_end = c.at("open_at_end").get<uint64_t>();
  rc.failures = c.at("failures").get<std::map<std::string, uint64_t>>();
  for (const auto& [code, n] : c.at("closed_by_server").items()) {
    rc.closed_by_server[static_cast<uint16_t>(std::stoul(code))] = n.get<uint64_t>();
  }
  const auto& e = j.at("events");
  auto& re = r.events;
  re.received = e.at("received").get<uint64_t>();
  re.received_all = e.at("received_all").get<uint64_t>();
  re.replies = e.at("replies").get<uint64_t>();
  re.request_errors = e.at("request_errors").get<uint64_t>();
  re.wire_bytes = e.value("wire_bytes", uint64_t{0});  // absent in older reports
  re.inflated = e.value("inflated", uint64_t{0});
  re.seq.gaps = e.at("gaps").get<uint64_t>();
  re.seq.tail_loss = e.at("tail_loss").get<uint64_t>();
  re.seq.duplicates = e.at("duplicates").get<uint64_t>();
  re.seq.out_of_order = e.at("out_of_order").get<uint64_t>();
  re.seq.unexpected = e.at("unexpected").get<uint64_t>();
  if (e.contains("balances")) {
    const auto& b = e.at("balances");
    re.balances.own = b.at("own_events").get<uint64_t>();
    re.balances.own_in_window = b.at("own_events_in_window").get<uint64_t>();
    re.balances.foreign = b.at("foreign_balance_events").get<uint64_t>();
    re.balances.unchecked = b.at("unchecked_events").get<uint64_t>();
  }
  const auto& l = j.at("latency_us");
  r.latency.add_sparse(l.at("buckets").get<std::vector<std::pair<uint32_t, uint64_t>>>(),
                       l.at("max").get<uint64_t>(), l.at("min").get<uint64_t>(),
                       l.at("sum").get<uint64_t>());
  const auto& u = j.at("server_usage");
  r.server_usage.pids = u.at("pids").get<std::vector<int>>();
  r.server_usage.cpu_seconds = u.at("cpu_seconds").get<double>();
  r.server_usage.rss_before_kb = u.at("rss_before_kb").get<uint64_t>();
  r.server_usage.rss_start_kb = u.at("rss_start_kb").get<uint64_t>();
  r.server_usage.rss_end_kb = u.at("rss_end_kb").get<uint64_t>();
  r.client_cpu_seconds = j.at("client").at("cpu_seconds").get<double>();
  r.client_rss_kb = j.at("client").at("rss_kb").get<uint64_t>();
  if (j.contains("reconnects")) r.reconnects = reconnect_from_json(j.at("reconnects"));
  return r;
}

namespace {

std::string ms(uint64_t us) {
  return fmt::format("{:.3f} ms", static_cast<double>(us) / 1000.0);
}

}  // namespace

std::string format_table(const report& r) {
  const auto& c = r.connections;
  const auto& e = r.events;
  const auto& h = r.latency;
  std::string closed;
  for (const auto& [code, n] : c.closed_by_server) closed += fmt::format(" {}×{}", n, code);
  std::string failures;
  for (const auto& [why, n] : c.failures) failures += fmt::format(" [{}: {}]", why, n);
  std::string out;
  auto row = [&out](std::string_view k, const std::string& v) {
    out += fmt::format("  {:<26} {}\n", k, v);
  };
  out += fmt::format("odin loadtest — {} {} ({} worker{})\n", r.protocol, r.server, r.workers,
                     r.workers == 1 ? "" : "s");
  row("connections target", std::to_string(c.target));
  row("established", fmt::format("{} (subscribed {})", c.established, c.subscribed));
  row("failed", std::to_string(c.failed) + failures);
  row("closed by server", closed.empty() ? "0" : closed.substr(1));
  row("window", fmt::format("{:.1f} s", r.window_seconds()));
  row("events received",
      fmt::format("{} ({} incl. outside the window)", e.received, e.received_all));
  row("events/s", fmt::format("{:.0f}", r.events_per_second()));
  if (e.received_all > 0) {
    row("bytes on the wire",
        fmt::format("{} ({:.0f} per event{})", e.wire_bytes,
                    static_cast<double>(e.wire_bytes) / static_cast<double>(e.received_all),
                    e.inflated > 0 ? fmt::format(", {} messages inflated", e.inflated) : ""));
  }
  row("latency p50 / p90", ms(h.percentile(50)) + " / " + ms(h.percentile(90)));
  row("latency p99 / p99.9", ms(h.percentile(99)) + " / " + ms(h.percentile(99.9)));
  row("latency max", ms(h.max()));
  row("loss (gaps + tail)", fmt::format("{} ({} + {})", e.seq.loss(), e.seq.gaps, e.seq.tail_loss));
  row("duplicates / out-of-order", fmt::format("{} / {}", e.seq.duplicates, e.seq.out_of_order));
  if (e.seq.unexpected || e.request_errors) {
    row("unexpected / req. errors", fmt::format("{} / {}", e.seq.unexpected, e.request_errors));
  }
  if (const auto& b = e.balances; b.own + b.foreign + b.unchecked > 0) {
    row("own balances events", fmt::format("{} ({} in the window, {:.1f}/s)", b.own,
                                           b.own_in_window, r.own_balances_per_second()));
    row("foreign balances events", fmt::format("{}{}", b.foreign, b.foreign ? " (VIOLATION)" : ""));
    if (b.unchecked) row("unchecked balances events", std::to_string(b.unchecked));
  }
  if (!r.server_usage.pids.empty()) {
    const auto& u = r.server_usage;
    row("server CPU in window", fmt::format("{:.2f} s ({:.2f} µs per event)", u.cpu_seconds,
                                            e.received ? u.cpu_seconds * 1e6 / e.received : 0.0));
    row("server RSS before / end", fmt::format("{} / {} KiB", u.rss_before_kb, u.rss_end_kb));
  }
  row("client CPU / RSS", fmt::format("{:.2f} s / {} KiB", r.client_cpu_seconds, r.client_rss_kb));
  out += format_reconnects(r.reconnects);
  return out;
}

}  // namespace odin::loadtest
