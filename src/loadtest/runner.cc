#include "loadtest/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>

#include "common/file_limit.h"
#include "loadtest/proc_stats.h"
#include "loadtest/worker_pool.h"

namespace odin::loadtest {
namespace {

// Prints the live line about once a second from engine ticks.
class live_printer {
 public:
  explicit live_printer(bool enabled) : enabled_(enabled) {}
  void tick(engine& e) {
    const auto now = std::chrono::steady_clock::now();
    if (!enabled_ || now - last_ < std::chrono::seconds(1)) return;
    const double dt = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    const live_sample s = e.sample();
    const double rate = static_cast<double>(s.events - last_events_) / dt;
    last_events_ = s.events;
    std::printf("%s\n", format_live(s, rate).c_str());
    std::fflush(stdout);
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  uint64_t last_events_ = 0;
};

void warn_file_limit(const options& o, uint64_t limit) {
  const uint64_t per_process = (o.target + o.workers - 1) / std::max(1u, o.workers);
  if (limit < per_process + 64) {
    std::fprintf(stderr,
                 "odin loadtest: warning: the open-file limit is %llu (hard limit), below the %llu "
                 "connections this process must hold; use --workers %llu or more\n",
                 static_cast<unsigned long long>(limit),
                 static_cast<unsigned long long>(per_process),
                 static_cast<unsigned long long>((o.target + limit - 65) / (limit - 64)));
  }
}

report run_single(const options& o) {
  live_printer printer(o.live);
  engine* current = nullptr;
  auto tick = [&] {
    if (current != nullptr) printer.tick(*current);
  };
  const proc_sample before = sample_processes(o.server_pids);
  engine e(o, tick);
  current = &e;
  e.setup();
  const int64_t start = wall_clock_us();
  const proc_sample at_start = sample_processes(o.server_pids);
  e.measure(start, start + static_cast<int64_t>(o.duration_s * 1e6));
  const proc_sample at_end = sample_processes(o.server_pids);
  e.drain();
  report r = e.finish();
  r.server_usage.pids = o.server_pids;
  r.server_usage.cpu_seconds = at_end.cpu_seconds - at_start.cpu_seconds;
  r.server_usage.rss_before_kb = before.rss_kb;
  r.server_usage.rss_start_kb = at_start.rss_kb;
  r.server_usage.rss_end_kb = at_end.rss_kb;
  if (auto self = sample_process(getpid())) {
    r.client_cpu_seconds = self->cpu_seconds;
    r.client_rss_kb = self->rss_kb;
  }
  return r;
}

}  // namespace

std::string format_live(const live_sample& s, double events_per_s) {
  return fmt::format(
      "[{:7.1f}s] connected {}/{} failed {} closed {} | {:.0f} ev/s | p50 {:.3f} ms p99 {:.3f} ms",
      s.elapsed_s, s.subscribed, s.target, s.failed, s.closed_by_server, events_per_s,
      s.interval.percentile(50) / 1000.0, s.interval.percentile(99) / 1000.0);
}

report run(const options& o) {
  if (o.target == 0) throw std::invalid_argument("--target must be above 0");
  if (o.duration_s <= 0) throw std::invalid_argument("--duration must be above 0");
  (void)subscription_plan(o);     // validates before any connection or fork
  std::signal(SIGPIPE, SIG_IGN);  // a worker or server gone away is an error value, not a kill
  warn_file_limit(o, raise_file_limit().after);
  return o.workers > 1 ? run_worker_pool(o) : run_single(o);
}

std::vector<std::string> violations(const report& r, const checks& c) {
  std::vector<std::string> out;
  const auto& seq = r.events.seq;
  if (c.expect_events && r.events.received < *c.expect_events) {
    out.push_back(fmt::format("expected at least {} events, received {}", *c.expect_events,
                              r.events.received));
  }
  if (c.max_loss) {
    if (seq.loss() > *c.max_loss) {
      out.push_back(fmt::format("loss {} is above --max-loss {}", seq.loss(), *c.max_loss));
    }
    if (seq.duplicates + seq.out_of_order > 0) {
      out.push_back(
          fmt::format("{} duplicate and {} out-of-order events", seq.duplicates, seq.out_of_order));
    }
  }
  if (r.events.balances.foreign > 0) {
    out.push_back(
        fmt::format("{} foreign balances events: a client received another user's "
                    "balance",
                    r.events.balances.foreign));
  }
  if (c.max_failed && r.connections.failed > *c.max_failed) {
    out.push_back(fmt::format("{} connections failed (--max-failed {})", r.connections.failed,
                              *c.max_failed));
  }
  return out;
}

}  // namespace odin::loadtest
