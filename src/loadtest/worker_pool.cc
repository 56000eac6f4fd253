#include "loadtest/worker_pool.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "loadtest/engine.h"
#include "loadtest/proc_stats.h"
#include "loadtest/runner.h"

namespace odin::loadtest {
namespace {

using clock = std::chrono::steady_clock;

void write_line(int fd, const std::string& line) {
  std::string s = line + "\n";
  const char* p = s.data();
  std::size_t left = s.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n <= 0) return;  // the parent is gone: nothing to tell
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

nlohmann::json live_json(const live_sample& s) {
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& [i, n] : s.interval.sparse()) buckets.push_back({i, n});
  return {{"attempted", s.attempted},
          {"established", s.established},
          {"subscribed", s.subscribed},
          {"failed", s.failed},
          {"closed_by_server", s.closed_by_server},
          {"events", s.events},
          {"buckets", buckets},
          {"max", s.interval.max()},
          {"min", s.interval.min()},
          {"sum", s.interval.sum()}};
}

// Waits (bounded) for "go <start> <end>" from the parent, ticking meanwhile.
bool read_go(int fd, int64_t& start, int64_t& end, double timeout_s) {
  std::string buf;
  const auto deadline =
      clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  while (clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      char tmp[256];
      const ssize_t n = ::read(fd, tmp, sizeof tmp);
      if (n <= 0) return false;
      buf.append(tmp, static_cast<std::size_t>(n));
      long long s = 0, en = 0;
      if (buf.find('\n') != std::string::npos &&
          std::sscanf(buf.c_str(), "go %lld %lld", &s, &en) == 2) {
        start = s;
        end = en;
        return true;
      }
    }
  }
  return false;
}

int child_main(const options& c, int out_fd, int in_fd) {
  engine* current = nullptr;
  auto last = clock::now();
  auto tick = [&] {
    if (current == nullptr || clock::now() - last < std::chrono::seconds(1)) return;
    last = clock::now();
    write_line(out_fd, nlohmann::json{{"live", live_json(current->sample())}}.dump());
  };
  engine e(c, tick);
  current = &e;
  e.setup();
  write_line(out_fd, R"({"ready":true})");
  int64_t start = 0, end = 0;
  if (!read_go(in_fd, start, end, 120)) return 3;
  e.measure(start, end);
  e.drain();
  report r = e.finish();
  if (auto self = sample_process(getpid())) {
    r.client_cpu_seconds = self->cpu_seconds;
    r.client_rss_kb = self->rss_kb;
  }
  write_line(out_fd, nlohmann::json{{"report", to_json(r)}}.dump());
  return 0;
}

struct child {
  pid_t pid = -1;
  int out_fd = -1;  // parent reads
  int in_fd = -1;   // parent writes
  std::string buffer;
  bool ready = false;
  bool reported = false;
  bool eof = false;
  nlohmann::json live;
  latency_histogram interval;
  report result;
};

void spawn(std::vector<child>& kids, const options& o) {
  const unsigned n = o.workers;
  std::size_t first = o.first_client;
  for (unsigned i = 0; i < n; ++i) {
    options c = o;
    c.target = o.target / n + (i < o.target % n ? 1 : 0);
    c.first_client = first;
    first += c.target;
    c.workers = 1;
    c.live = false;
    c.ramp_rate = o.ramp_rate / n;
    c.reconnect_burst = o.reconnect_burst / n + (i < o.reconnect_burst % n ? 1 : 0);
    c.server_pids.clear();
    int up[2], down[2];
    if (::pipe(up) != 0 || ::pipe(down) != 0) throw std::runtime_error("pipe failed");
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::close(up[0]);
      ::close(down[1]);
      for (const auto& k : kids) {
        ::close(k.out_fd);
        ::close(k.in_fd);
      }
      int code = 4;
      try {
        code = child_main(c, up[1], down[0]);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "odin loadtest worker %u: %s\n", i, e.what());
      }
      std::fflush(stdout);
      ::_exit(code);
    }
    ::close(up[1]);
    ::close(down[0]);
    child k;
    k.pid = pid;
    k.out_fd = up[0];
    k.in_fd = down[1];
    kids.push_back(std::move(k));
  }
}

void handle_line(child& k, const std::string& line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded()) return;
  if (j.contains("ready")) k.ready = true;
  if (j.contains("report")) {
    k.result = report_from_json(j["report"]);
    k.reported = true;
  }
  if (j.contains("live")) {
    k.live = j["live"];
    k.interval.add_sparse(k.live["buckets"].get<std::vector<std::pair<uint32_t, uint64_t>>>(),
                          k.live["max"].get<uint64_t>(), k.live["min"].get<uint64_t>(),
                          k.live["sum"].get<uint64_t>());
  }
}

// Reads whatever the children wrote within `wait_ms`.
void pump(std::vector<child>& kids, int wait_ms) {
  std::vector<pollfd> fds;
  for (const auto& k : kids) fds.push_back({k.eof ? -1 : k.out_fd, POLLIN, 0});
  if (::poll(fds.data(), fds.size(), wait_ms) <= 0) return;
  for (std::size_t i = 0; i < kids.size(); ++i) {
    if ((fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
    char tmp[65536];
    const ssize_t n = ::read(kids[i].out_fd, tmp, sizeof tmp);
    if (n <= 0) {
      kids[i].eof = true;
      continue;
    }
    kids[i].buffer.append(tmp, static_cast<std::size_t>(n));
    std::size_t eol;
    while ((eol = kids[i].buffer.find('\n')) != std::string::npos) {
      handle_line(kids[i], kids[i].buffer.substr(0, eol));
      kids[i].buffer.erase(0, eol + 1);
    }
  }
}

class combined_live {
 public:
  explicit combined_live(const options& o) : o_(o) {}
  void maybe_print(std::vector<child>& kids) {
    const auto now = clock::now();
    if (!o_.live || now - last_ < std::chrono::seconds(1)) return;
    const double dt = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    live_sample s;
    s.elapsed_s = std::chrono::duration<double>(now - started_).count();
    s.target = o_.target;
    for (auto& k : kids) {
      if (k.live.is_null()) continue;
      s.attempted += k.live["attempted"].get<uint64_t>();
      s.established += k.live["established"].get<uint64_t>();
      s.subscribed += k.live["subscribed"].get<uint64_t>();
      s.failed += k.live["failed"].get<uint64_t>();
      s.closed_by_server += k.live["closed_by_server"].get<uint64_t>();
      s.events += k.live["events"].get<uint64_t>();
      s.interval.merge(k.interval);
      k.interval.reset();
    }
    const double rate = static_cast<double>(s.events - last_events_) / dt;
    last_events_ = s.events;
    std::printf("%s\n", format_live(s, rate).c_str());
    std::fflush(stdout);
  }

 private:
  const options& o_;
  clock::time_point started_ = clock::now();
  clock::time_point last_ = clock::now();
  uint64_t last_events_ = 0;
};

bool all(const std::vector<child>& kids, bool child::*flag) {
  for (const auto& k : kids) {
    if (!(k.*flag) && !k.eof) return false;
  }
  return true;
}

}  // namespace

report run_worker_pool(const options& o) {
  std::vector<child> kids;
  const proc_sample before = sample_processes(o.server_pids);
  spawn(kids, o);
  combined_live live(o);
  const double ramp_s = o.ramp_rate > 0 ? o.target / o.ramp_rate : 0;
  auto deadline =
      clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>((ramp_s + o.setup_timeout_s + 10) * 1000));
  while (!all(kids, &child::ready) && clock::now() < deadline) {
    pump(kids, 50);
    live.maybe_print(kids);
  }
  const int64_t start = wall_clock_us() + 200'000;
  const int64_t end = start + static_cast<int64_t>(o.duration_s * 1e6);
  const std::string go = "go " + std::to_string(start) + " " + std::to_string(end);
  for (auto& k : kids) write_line(k.in_fd, go);
  proc_sample at_start{}, at_end{};
  bool sampled_start = false, sampled_end = false;
  deadline = clock::now() + std::chrono::microseconds(end - wall_clock_us()) +
             std::chrono::milliseconds(static_cast<int64_t>(o.drain_s * 1000) + 30'000);
  while (!all(kids, &child::reported) && clock::now() < deadline) {
    pump(kids, 20);
    live.maybe_print(kids);
    const int64_t now = wall_clock_us();
    if (!sampled_start && now >= start) {
      at_start = sample_processes(o.server_pids);
      sampled_start = true;
    }
    if (!sampled_end && now >= end) {
      at_end = sample_processes(o.server_pids);
      sampled_end = true;
    }
  }
  if (!sampled_end) at_end = sample_processes(o.server_pids);
  report merged;
  for (auto& k : kids) {
    if (!k.reported) ::kill(k.pid, SIGKILL);
    int status = 0;
    ::waitpid(k.pid, &status, 0);
    ::close(k.out_fd);
    ::close(k.in_fd);
    if (k.reported) merged.merge(k.result);
  }
  merged.workers = o.workers;
  merged.connections.target = o.target;
  merged.server_usage.pids = o.server_pids;
  merged.server_usage.cpu_seconds = at_end.cpu_seconds - at_start.cpu_seconds;
  merged.server_usage.rss_before_kb = before.rss_kb;
  merged.server_usage.rss_start_kb = at_start.rss_kb;
  merged.server_usage.rss_end_kb = at_end.rss_kb;
  return merged;
}

}  // namespace odin::loadtest
