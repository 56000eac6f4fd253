#include "loadtest/reconnect_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

namespace odin::loadtest {
namespace {

// The first `k` of a seeded shuffle of [0, n).
std::vector<std::size_t> draw(std::size_t n, std::size_t k, std::mt19937_64& rng) {
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), std::size_t{0});
  k = std::min(k, n);
  for (std::size_t i = 0; i < k; ++i) {
    std::uniform_int_distribution<std::size_t> pick(i, n - 1);
    std::swap(all[i], all[pick(rng)]);
  }
  all.resize(k);
  return all;
}

}  // namespace

std::pair<double, double> burst_span(const options& o) {
  const double at = o.reconnect_burst_at_s >= 0 ? o.reconnect_burst_at_s : o.duration_s / 2;
  return {at, at + o.reconnect_burst_within_s};
}

std::vector<reconnect_at> plan_reconnects(const options& o, std::size_t clients) {
  std::vector<reconnect_at> out;
  if (clients == 0) return out;
  std::mt19937_64 rng(o.seed * 0x2545f4914f6cdd1dULL + o.first_client + 17);
  if (o.reconnect_percent > 0) {
    const auto k = static_cast<std::size_t>(
        std::llround(o.reconnect_percent / 100.0 * static_cast<double>(clients)));
    for (double t = o.reconnect_every_s; t < o.duration_s; t += o.reconnect_every_s) {
      for (const std::size_t c : draw(clients, std::max<std::size_t>(k, 1), rng)) {
        out.push_back({t, c, false});
      }
    }
  }
  if (o.reconnect_burst > 0) {
    // reconnect_burst is this process's share (the worker pool splits it like target).
    const auto [start, end] = burst_span(o);
    const std::vector<std::size_t> chosen = draw(clients, o.reconnect_burst, rng);
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      const double at = start + (end - start) * static_cast<double>(i) /
                                    static_cast<double>(std::max<std::size_t>(chosen.size(), 1));
      out.push_back({at, chosen[i], true});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const reconnect_at& a, const reconnect_at& b) { return a.at_s < b.at_s; });
  return out;
}

std::string check_reconnect_options(const options& o) {
  if (!o.reconnects()) return "";
  if (o.protocol != protocol_kind::odin) {
    return "reconnects need --protocol odin (the peers have no stream positions)";
  }
  if (!(o.reconnect_percent >= 0 && o.reconnect_percent <= 100)) {
    return "--reconnect-percent must be between 0 and 100";
  }
  if (o.reconnect_percent > 0 && !(o.reconnect_every_s > 0 && o.reconnect_every_s < o.duration_s)) {
    return fmt::format("--reconnect-every must be above 0 and below --duration ({} s)",
                       o.duration_s);
  }
  if (!(o.reconnect_timeout_s > 0)) return "--reconnect-timeout must be above 0";
  if (o.reconnect_burst > o.target) return "--reconnect-burst must not exceed --target";
  if (o.reconnect_burst > 0) {
    if (!(o.reconnect_burst_within_s > 0)) return "--reconnect-burst-within must be above 0";
    const auto [start, end] = burst_span(o);
    if (start < 0 || end >= o.duration_s) {
      return fmt::format(
          "the burst ({:.1f} s to {:.1f} s into the window) must end before --duration ({} s)",
          start, end, o.duration_s);
    }
  }
  return "";
}

std::vector<std::string> resubscribe_requests(
    const std::vector<std::string>& channels,
    const std::vector<std::pair<std::string, std::string>>& positions) {
  std::vector<std::string> out;
  constexpr std::size_t per_request = 100;
  for (std::size_t first = 0; first < channels.size(); first += per_request) {
    const std::size_t last = std::min(channels.size(), first + per_request);
    nlohmann::json req{
        {"type", "subscribe"},
        {"channels", std::vector<std::string>(channels.begin() + first, channels.begin() + last)},
        {"id", out.size() + 1}};
    nlohmann::json since = nlohmann::json::object();
    for (std::size_t i = first; i < last; ++i) {
      for (const auto& [channel, pos] : positions) {
        if (channel == channels[i]) since[channel] = pos;
      }
    }
    if (!since.empty()) req["since"] = std::move(since);
    out.push_back(req.dump());
  }
  return out;
}

}  // namespace odin::loadtest
