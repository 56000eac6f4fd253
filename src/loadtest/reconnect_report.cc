#include "loadtest/reconnect_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

namespace odin::loadtest {
namespace {

nlohmann::json histogram_json(const latency_histogram& h) {
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& [i, n] : h.sparse()) buckets.push_back({i, n});
  return {{"count", h.count()},      {"p50", h.percentile(50)},
          {"p90", h.percentile(90)}, {"p99", h.percentile(99)},
          {"max", h.max()},          {"min", h.min()},
          {"sum", h.sum()},          {"buckets", std::move(buckets)}};
}

latency_histogram histogram_from(const nlohmann::json& j) {
  latency_histogram h;
  h.add_sparse(j.at("buckets").get<std::vector<std::pair<uint32_t, uint64_t>>>(),
               j.at("max").get<uint64_t>(), j.at("min").get<uint64_t>(),
               j.at("sum").get<uint64_t>());
  return h;
}

std::string ms(uint64_t us) {
  return fmt::format("{:.1f}", static_cast<double>(us) / 1000.0);
}

std::string percentiles(const latency_histogram& h) {
  if (h.count() == 0) return "-";
  return fmt::format("p50 {} / p99 {} / max {} ms ({})", ms(h.percentile(50)), ms(h.percentile(99)),
                     ms(h.max()), h.count());
}

}  // namespace

void reconnect_counts::merge(const reconnect_counts& o) {
  enabled = enabled || o.enabled;
  started += o.started;
  resubscribed += o.resubscribed;
  failed += o.failed;
  for (const auto& [why, n] : o.failures) failures[why] += n;
  skipped += o.skipped;
  recovered += o.recovered;
  not_recovered += o.not_recovered;
  unnumbered += o.unnumbered;
  to_subscribed.merge(o.to_subscribed);
  to_replayed.merge(o.to_replayed);
  to_live.merge(o.to_live);
  if (burst_start_us == 0) {
    burst_start_us = o.burst_start_us;
    burst_end_us = o.burst_end_us;
  }
  burst_clients += o.burst_clients;
  burst_to_subscribed.merge(o.burst_to_subscribed);
  others_before.merge(o.others_before);
  others_during.merge(o.others_during);
}

nlohmann::json to_json(const reconnect_counts& r) {
  return {{"enabled", r.enabled},
          {"started", r.started},
          {"resubscribed", r.resubscribed},
          {"failed", r.failed},
          {"failures", r.failures},
          {"skipped", r.skipped},
          {"recovered_true", r.recovered},
          {"recovered_false", r.not_recovered},
          {"unnumbered_events", r.unnumbered},
          {"to_subscribed_us", histogram_json(r.to_subscribed)},
          {"to_replayed_us", histogram_json(r.to_replayed)},
          {"to_live_us", histogram_json(r.to_live)},
          {"burst",
           {{"start_us", r.burst_start_us},
            {"end_us", r.burst_end_us},
            {"clients", r.burst_clients},
            {"to_subscribed_us", histogram_json(r.burst_to_subscribed)},
            {"others_latency_before_us", histogram_json(r.others_before)},
            {"others_latency_during_us", histogram_json(r.others_during)}}}};
}

reconnect_counts reconnect_from_json(const nlohmann::json& j) {
  reconnect_counts r;
  r.enabled = j.at("enabled").get<bool>();
  r.started = j.at("started").get<uint64_t>();
  r.resubscribed = j.at("resubscribed").get<uint64_t>();
  r.failed = j.at("failed").get<uint64_t>();
  r.failures = j.at("failures").get<std::map<std::string, uint64_t>>();
  r.skipped = j.at("skipped").get<uint64_t>();
  r.recovered = j.at("recovered_true").get<uint64_t>();
  r.not_recovered = j.at("recovered_false").get<uint64_t>();
  r.unnumbered = j.at("unnumbered_events").get<uint64_t>();
  r.to_subscribed = histogram_from(j.at("to_subscribed_us"));
  r.to_replayed = histogram_from(j.at("to_replayed_us"));
  r.to_live = histogram_from(j.at("to_live_us"));
  const auto& b = j.at("burst");
  r.burst_start_us = b.at("start_us").get<int64_t>();
  r.burst_end_us = b.at("end_us").get<int64_t>();
  r.burst_clients = b.at("clients").get<uint64_t>();
  r.burst_to_subscribed = histogram_from(b.at("to_subscribed_us"));
  r.others_before = histogram_from(b.at("others_latency_before_us"));
  r.others_during = histogram_from(b.at("others_latency_during_us"));
  return r;
}

std::string format_reconnects(const reconnect_counts& r) {
  if (!r.enabled) return "";
  std::string out;
  auto row = [&out](std::string_view k, const std::string& v) {
    out += fmt::format("  {:<26} {}\n", k, v);
  };
  row("reconnects", fmt::format("{} started, {} resubscribed, {} failed, {} skipped", r.started,
                                r.resubscribed, r.failed, r.skipped));
  for (const auto& [why, n] : r.failures) row("  reconnect failed", fmt::format("{}: {}", why, n));
  row("recovered true / false", fmt::format("{} / {}", r.recovered, r.not_recovered));
  row("reconnect → subscribed", percentiles(r.to_subscribed));
  row("reconnect → last replayed", percentiles(r.to_replayed));
  row("reconnect → first live", percentiles(r.to_live));
  if (r.unnumbered) row("unnumbered (seq 0) events", std::to_string(r.unnumbered));
  if (r.burst_start_us != 0) {
    row("burst", fmt::format("{} clients over {:.1f} s", r.burst_clients,
                             (r.burst_end_us - r.burst_start_us) / 1e6));
    row("burst → subscribed", percentiles(r.burst_to_subscribed));
    row("others p99 before / during", fmt::format("{} / {} ms", ms(r.others_before.percentile(99)),
                                                  ms(r.others_during.percentile(99))));
  }
  return out;
}

}  // namespace odin::loadtest
