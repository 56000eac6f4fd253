#include "config/setting_table.h"

#include <array>
#include <vector>

#include <fmt/format.h>

#include "common/log.h"
#include "config/setting_rows.h"
#include "config/value_parsers.h"
#include "model/token_pool.h"

namespace odin::config {
namespace {

using namespace setting_text;
using sv = std::string_view;

// The last sections: the simulator and logging (the others are in config/setting_rows_*.cc).
const std::array simulator_and_log_rows = {
    // Simulator
    setting_row{"SIM_TOKENS", "--tokens", sim_bit, "LIST", "tokens the simulator trades",
                [](settings& s, sv v) { s.sim.tokens = parse_token_list(v); },
                [](const settings& s) { return fmt::format("{}", fmt::join(s.sim.tokens, ",")); }},
    setting_row{"SIM_TOKEN_POOL", "--token-pool", sim_bit, "N",
                "if above 0, simulate N tokens T0001, T0002 ... instead of SIM_TOKENS",
                [](settings& s, sv v) {
                  if (auto n = parse_whole(v, 0, 1'000'000); n > 0)
                    s.sim.tokens = model::token_pool(n);
                },
                [](const settings&) { return std::string("0"); }},
    setting_row{"SIM_RATE", "--rate", sim_bit, "EVENTS/S", "simulated events per second",
                [](settings& s, sv v) { s.sim.rate = parse_number_above_zero(v, sim::max_rate); },
                [](const settings& s) { return fmt::format("{}", s.sim.rate); }},
    setting_row{"SIM_USERS", "--users", sim_bit, "N",
                "user ids in payloads are user1 .. user<N> (default 999, as the plan's "
                "generator); loadtest --users N mints the same subs",
                [](settings& s, sv v) {
                  s.sim.users = static_cast<int64_t>(
                      parse_whole(v, 1, static_cast<uint64_t>(sim::max_users)));
                },
                [](const settings& s) { return num(static_cast<uint64_t>(s.sim.users)); }},
    setting_row{"SIM_SEED", "--seed", sim_bit, "N", "random seed; 0 = a fresh one each start",
                [](settings& s, sv v) { s.sim.seed = parse_whole(v, 0, UINT64_MAX); },
                [](const settings& s) { return num(s.sim.seed); }},
    // Logging
    setting_row{"LOG_LEVEL", "--log-level", log_bit, "LEVEL", "trace, debug, info, warn or error",
                [](settings& s, sv v) {
                  if (!parse_log_level(v)) {
                    throw invalid_value(fmt::format("expected {}", log_levels_allowed));
                  }
                  s.log_level = std::string(v);
                },
                [](const settings& s) { return s.log_level; }},
    setting_row{"LOG_FORMAT", "--log-format", log_bit, "FORMAT",
                "json (one object per line) or text",
                [](settings& s, sv v) {
                  if (!is_log_format(v)) {
                    throw invalid_value(fmt::format("expected {}", log_formats_allowed));
                  }
                  s.log_format = std::string(v);
                },
                [](const settings& s) { return s.log_format; }},
    setting_row{"ENVIRONMENT", "--environment", log_bit, "NAME",
                "deployment name shown in logs (development, production ...)",
                [](settings& s, sv v) { s.environment = parse_name(v); },
                [](const settings& s) { return s.environment; }},
};

constexpr sv no_pool =
    "Odin has no worker pool or goroutines: shard-per-core I/O threads do the work "
    "(see WS_IO_THREADS)";
constexpr sv no_drop =
    "Odin never drops records past a rate: when clients fall behind it pauses bus "
    "partitions (backpressure)";

constexpr std::array<ignored_variable, 6> ignored = {{
    {"WS_WORKER_POOL_SIZE", no_pool},
    {"WS_WORKER_QUEUE_SIZE", no_pool},
    {"WS_MAX_GOROUTINES", no_pool},
    {"WS_MAX_KAFKA_RATE", no_drop},
    {"WS_MAX_BROADCAST_RATE", no_drop},
    {"WS_CPU_PAUSE_THRESHOLD",
     "Odin never pauses consumption on CPU load: it pauses partitions only when clients fall "
     "behind (backpressure); WS_CPU_REJECT_THRESHOLD still refuses new connections"},
}};

}  // namespace

std::span<const setting_row> setting_rows() {
  // In this order in --help, the README's table and the loader.
  static const std::vector<setting_row> all = [] {
    std::vector<setting_row> out;
    for (std::span<const setting_row> section :
         {gateway_setting_rows(), bus_setting_rows(), publisher_setting_rows(),
          access_setting_rows(), std::span<const setting_row>(simulator_and_log_rows)}) {
      out.insert(out.end(), section.begin(), section.end());
    }
    return out;
  }();
  return all;
}

bool is_secret_setting(std::string_view env) {
  return env == "KAFKA_SASL_PASSWORD" || env == "PUBLISHER_API_KEYS" || env == "WS_JWT_SECRET";
}

std::span<const ignored_variable> ignored_variables() {
  return ignored;
}

std::string_view group_title(unsigned bit) {
  switch (bit) {
    case gateway_bit:
      return "Gateway";
    case kafka_bit:
      return "Kafka";
    case memory_bit:
      return "Memory bus";
    case sim_bit:
      return "Simulator";
    case log_bit:
      return "Logging";
    case publisher_bit:
      return "Publisher";
  }
  return "Other";
}

}  // namespace odin::config
