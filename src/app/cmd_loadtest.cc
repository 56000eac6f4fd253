// `odin loadtest`: opens many WebSocket connections to a gateway (or a peer system), subscribes
// them, and measures delivery: events/s, end-to-end latency, loss, duplicates, out-of-order.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/commands.h"
#include "loadtest/options.h"
#include "loadtest/reconnect_plan.h"
#include "loadtest/runner.h"

namespace odin::app {
namespace {

struct loadtest_flags {
  loadtest::options o;
  std::string protocol = "odin";
  std::string mode = "bundle";
  std::string source_ips;
  loadtest::checks checks;
  bool quiet = false;
};

void add_flags(CLI::App& cmd, loadtest_flags& f) {
  auto& o = f.o;
  cmd.add_option("--target", o.target, "Connections to open")->capture_default_str();
  cmd.add_option("--duration", o.duration_s,
                 "Seconds of the measured window, which starts once every connection is set up")
      ->capture_default_str();
  cmd.add_option("--ramp-rate", o.ramp_rate, "New connections per second")->capture_default_str();
  cmd.add_option("--server", o.server, "ws://HOST:PORT/PATH (IPv4 or localhost)")
      ->capture_default_str();
  cmd.add_option("--protocol", f.protocol, "odin | nats | simple")->capture_default_str();
  cmd.add_option("--subscription-mode", f.mode, "bundle | channels")->capture_default_str();
  cmd.add_option("--bundle", o.bundle, "Bundle of bundle mode")->capture_default_str();
  cmd.add_option("--tokens", o.tokens, "Token list (comma separated)")
      ->delimiter(',')
      ->capture_default_str();
  cmd.add_option("--token-pool", o.token_pool, "Use tokens T0001..TN instead of --tokens");
  cmd.add_option("--channels", o.channels,
                 "Channels mode: kinds (trade,analytics: for each token) and/or TOKEN.kind names")
      ->delimiter(',');
  cmd.add_option("--tokens-per-client", o.tokens_per_client,
                 "Each client takes K tokens at random (seeded); 0 = all tokens")
      ->capture_default_str();
  cmd.add_option("--report", o.report_file, "Write the JSON report to FILE");
  cmd.add_option("--jwt-secret", o.jwt_secret,
                 "Mint an HS256 access token per client (sub user-<i>, the client index; see "
                 "--users) with this secret and send it as ?token= (the gateway's "
                 "WS_JWT_SECRET); every balances event a client receives must then carry its "
                 "sub as userId (else counted as foreign: the run fails)");
  cmd.add_option("--users", o.users,
                 "With --jwt-secret: client i's sub is user<1 + i mod N>, the ids of a "
                 "simulator run with SIM_USERS=N (0: user-<i>)")
      ->capture_default_str()
      ->needs("--jwt-secret");
  cmd.add_option("--token", o.token, "Send this one access token as ?token= from every client")
      ->excludes("--jwt-secret");
  cmd.add_option("--token-ttl", o.token_ttl_s, "Lifetime of minted tokens, in seconds")
      ->capture_default_str();
  cmd.add_option("--source-ips", f.source_ips,
                 "Local addresses, round-robin: 127.0.0.2-127.0.0.200 or a comma list");
  cmd.add_option("--workers", o.workers,
                 "Processes (each target/N connections; needed past the open-file limit)")
      ->capture_default_str();
  cmd.add_option("--threads", o.threads, "I/O threads per process")->capture_default_str();
  cmd.add_option("--seed", o.seed, "Seed of the token choice")->capture_default_str();
  cmd.add_option("--server-pid", o.server_pids,
                 "Report this process's CPU and RSS from /proc (repeatable)");
  cmd.add_option("--drain", o.drain_s, "Seconds to wait for late events of the window")
      ->capture_default_str();
  cmd.add_option("--setup-timeout", o.setup_timeout_s,
                 "Seconds after the ramp before unfinished connections count as failed")
      ->capture_default_str();
  cmd.add_option("--expect-events", f.checks.expect_events,
                 "Exit 1 unless at least N events were received in the window");
  cmd.add_option("--max-loss", f.checks.max_loss,
                 "Exit 1 if more events were lost, or any was duplicated or out of order");
  cmd.add_option("--max-failed", f.checks.max_failed,
                 "Exit 1 if more connections failed to set up");
  cmd.add_flag("--quiet", f.quiet, "No live line");
  cmd.add_flag("--compression", f.o.compression,
               "Offer permessage-deflate (RFC 7692) like a browser and inflate compressed "
               "messages; the report's wire bytes then count compressed bytes");
  cmd.add_option("--reconnect-percent", o.reconnect_percent,
                 "Reconnect scenario (odin): every --reconnect-every s, X % of the clients (at "
                 "random, seeded) drop and reconnect with since = the last pos per channel");
  cmd.add_option("--reconnect-every", o.reconnect_every_s,
                 "Seconds between the --reconnect-percent rounds")
      ->capture_default_str();
  cmd.add_option("--reconnect-burst", o.reconnect_burst,
                 "Mass reconnect (odin): N clients reconnect with since once, spread over "
                 "--reconnect-burst-within s, at --reconnect-burst-at s into the window");
  cmd.add_option("--reconnect-burst-within", o.reconnect_burst_within_s,
                 "Seconds the burst's reconnects are spread over")
      ->capture_default_str();
  cmd.add_option("--reconnect-burst-at", o.reconnect_burst_at_s,
                 "Seconds into the window the burst starts (default: the window's middle)");
  cmd.add_option("--reconnect-timeout", o.reconnect_timeout_s,
                 "Seconds after its drop before a reconnect not yet resubscribed fails (counted "
                 "by the phase it was in)")
      ->capture_default_str();
}

loadtest::options finish_options(loadtest_flags& f) {
  loadtest::options o = f.o;
  auto protocol = loadtest::parse_protocol(f.protocol);
  if (!protocol) throw std::invalid_argument("--protocol must be odin, nats or simple");
  o.protocol = *protocol;
  if (f.mode == "bundle") {
    o.mode = loadtest::subscription_mode::bundle;
  } else if (f.mode == "channels") {
    o.mode = loadtest::subscription_mode::channels;
  } else {
    throw std::invalid_argument("--subscription-mode must be bundle or channels");
  }
  if (!f.source_ips.empty()) {
    auto ips = loadtest::parse_source_ips(f.source_ips);
    if (!ips) {
      throw std::invalid_argument("--source-ips: " + std::string(loadtest::describe(ips.error())));
    }
    o.source_ips = std::move(ips).value();
  }
  if (o.workers == 0) o.workers = 1;
  if (const std::string bad = loadtest::check_reconnect_options(o); !bad.empty()) {
    throw std::invalid_argument(bad);
  }
  o.live = !f.quiet;
  return o;
}

}  // namespace

command register_loadtest(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "loadtest",
      "Load tester: opens --target WebSocket connections, subscribes them and reports delivery "
      "(events/s, latency from bus to client, loss, duplicates). Speaks odin, nats and simple.");
  auto flags = std::make_shared<loadtest_flags>();
  add_flags(*cmd, *flags);
  return [flags] {
    loadtest::options o;
    try {
      o = finish_options(*flags);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "odin loadtest: %s\n", e.what());
      return 2;
    }
    loadtest::report r;
    try {
      r = loadtest::run(o);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "odin loadtest: %s\n", e.what());
      return 2;
    }
    std::printf("\n%s", loadtest::format_table(r).c_str());
    if (!o.report_file.empty()) {
      std::ofstream out(o.report_file);
      out << loadtest::to_json(r).dump(2) << "\n";
      if (!out) std::fprintf(stderr, "odin loadtest: cannot write %s\n", o.report_file.c_str());
    }
    const auto failed = loadtest::violations(r, flags->checks);
    for (const auto& v : failed) std::fprintf(stderr, "odin loadtest: FAILED: %s\n", v.c_str());
    std::fflush(stdout);
    return failed.empty() ? 0 : 1;
  };
}

}  // namespace odin::app
