// odin_ingest_load — POST /events throughput: C keep-alive HTTP/1.1 connections, each with one
// request in flight (closed loop), driven by ONE epoll thread so that the tester needs one
// CPU at most (bench.py pins it away from the server). Bodies are batches of B TRADE_EXECUTED
// events (flat and nested forms alternate, tokens spread over a pool), generated up front.
// After a warm-up it measures a window: requests and events answered 202, other statuses,
// request latency percentiles, and the CPU the server processes used (--server-pid, from
// /proc) → CPU µs per accepted event. Prints one JSON object on stdout.
//   odin_ingest_load --port 3003 --batch 100 --connections 8 --duration 10 [--warmup 2]
//                    [--host 127.0.0.1] [--api-key KEY] [--tokens 1000] [--server-pid PID]...
// Exit 0 when every answer in the window was 202 and no connection failed, 1 otherwise,
// 2 on bad arguments or when the server cannot be reached.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/bodies.h"
#include "ingest/load_options.h"

namespace {

using clock_type = std::chrono::steady_clock;
using odin::bench::load_options;

std::string make_body(const load_options& o, int variant) {
  return odin::bench::make_events_body(o.batch, o.tokens, variant);
}

std::string make_request(const load_options& o, const std::string& body) {
  std::string r = "POST /events HTTP/1.1\r\nHost: " + o.host + "\r\n";
  r += "Content-Type: application/json\r\n";
  if (!o.api_key.empty()) r += "Authorization: Bearer " + o.api_key + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return r + body;
}

double proc_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  if (paren == std::string::npos) return 0;
  std::vector<std::string> fields;
  std::size_t pos = paren + 2;
  while (pos < text.size() && fields.size() < 15) {
    const auto space = text.find(' ', pos);
    fields.push_back(text.substr(pos, space - pos));
    if (space == std::string::npos) break;
    pos = space + 1;
  }
  if (fields.size() < 13) return 0;
  return (std::stod(fields[11]) + std::stod(fields[12])) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct conn {
  int fd = -1;
  std::size_t sent = 0;  // bytes of the current request written
  const std::string* request = nullptr;
  std::string in;  // response bytes so far
  clock_type::time_point start;
};

struct tally {
  uint64_t requests = 0, accepted_events = 0, failures = 0;
  std::map<int, uint64_t> statuses;
  std::vector<uint32_t> latency_us;
};

int open_connection(const load_options& o) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(o.port);
  inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

// A complete response at the front of `in`: its status and length, or {0, 0} when incomplete.
std::pair<int, std::size_t> parse_response(std::string_view in) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos || in.size() < 12) return {0, 0};
  const int status = std::atoi(std::string(in.substr(9, 3)).c_str());
  std::size_t length = 0;
  std::string head(in.substr(0, end));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (const auto cl = head.find("\r\ncontent-length:"); cl != std::string::npos) {
    length = std::strtoul(head.c_str() + cl + 17, nullptr, 10);
  }
  if (in.size() < end + 4 + length) return {0, 0};
  return {status, end + 4 + length};
}

class driver {
 public:
  explicit driver(const load_options& o) : o_(o), ep_(epoll_create1(EPOLL_CLOEXEC)) {
    for (int v = 0; v < 16; ++v) requests_.push_back(make_request(o, make_body(o, v)));
    conns_.resize(static_cast<std::size_t>(o.connections));
  }

  bool connect_all() {
    for (std::size_t i = 0; i < conns_.size(); ++i) {
      if (!reconnect(i)) return false;
    }
    return true;
  }

  // Runs until `until`; counts into `t` only when `counting`.
  void run(clock_type::time_point until, tally* t) {
    epoll_event events[256];
    while (clock_type::now() < until) {
      const int n = epoll_wait(ep_, events, 256, 50);
      for (int k = 0; k < n; ++k) {
        const std::size_t i = events[k].data.u64;
        if (events[k].events & EPOLLOUT) write_some(i, t);
        if (events[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) read_some(i, t);
      }
    }
  }

 private:
  bool reconnect(std::size_t i) {
    conn& c = conns_[i];
    if (c.fd >= 0) close(c.fd);
    c = conn{};
    c.fd = open_connection(o_);
    if (c.fd < 0) return false;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;  // edge: no wake-up per writable socket
    ev.data.u64 = i;
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    begin(i);
    return true;
  }

  void begin(std::size_t i) {
    conn& c = conns_[i];
    c.request = &requests_[next_++ % requests_.size()];
    c.sent = 0;
    c.start = clock_type::now();
  }

  void write_some(std::size_t i, tally* t) {
    conn& c = conns_[i];
    while (c.request != nullptr && c.sent < c.request->size()) {
      const ssize_t n =
          send(c.fd, c.request->data() + c.sent, c.request->size() - c.sent, MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      if (n <= 0) return fail(i, t);
      c.sent += static_cast<std::size_t>(n);
    }
  }

  void read_some(std::size_t i, tally* t) {
    conn& c = conns_[i];
    char buf[16384];
    while (true) {
      const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      if (n <= 0) return fail(i, t);
      c.in.append(buf, static_cast<std::size_t>(n));
    }
    const auto [status, length] = parse_response(c.in);
    if (length == 0) return;
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - c.start);
    if (t != nullptr) {
      ++t->requests;
      ++t->statuses[status];
      if (status == 202) t->accepted_events += static_cast<uint64_t>(o_.batch);
      t->latency_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us.count(), UINT32_MAX)));
    }
    c.in.erase(0, length);
    begin(i);
    write_some(i, t);
  }

  void fail(std::size_t i, tally* t) {
    if (t != nullptr) ++t->failures;
    reconnect(i);
  }

  const load_options& o_;
  int ep_;
  std::vector<std::string> requests_;
  std::vector<conn> conns_;
  std::size_t next_ = 0;
};

double percentile(const std::vector<uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto idx = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(idx, sorted.size() - 1)] / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  load_options o;
  if (auto bad = odin::bench::parse_load_options(argc, argv, o)) {
    std::fprintf(stderr, "%s\n", bad->c_str());
    return bad->starts_with("usage") ? 0 : 2;
  }
  driver d(o);
  if (!d.connect_all()) {
    std::fprintf(stderr, "odin_ingest_load: cannot connect to %s:%d\n", o.host.c_str(), o.port);
    return 2;
  }
  d.run(clock_type::now() + std::chrono::milliseconds(static_cast<int64_t>(o.warmup * 1000)),
        nullptr);
  std::vector<double> before;
  for (int pid : o.server_pids) before.push_back(proc_cpu_seconds(pid));
  const double own_before = own_cpu_seconds();
  tally t;
  const auto start = clock_type::now();
  d.run(start + std::chrono::milliseconds(static_cast<int64_t>(o.duration * 1000)), &t);
  const double window = std::chrono::duration<double>(clock_type::now() - start).count();
  double server_cpu = 0;
  for (std::size_t k = 0; k < o.server_pids.size(); ++k) {
    server_cpu += proc_cpu_seconds(o.server_pids[k]) - before[k];
  }
  const double own_cpu = own_cpu_seconds() - own_before;
  std::sort(t.latency_us.begin(), t.latency_us.end());
  std::string statuses;
  for (const auto& [code, count] : t.statuses) {
    statuses += (statuses.empty() ? "" : ",") + ("\"" + std::to_string(code) + "\":") +
                std::to_string(count);
  }
  const double eps = static_cast<double>(t.accepted_events) / window;
  std::printf(
      "{\"batch\":%d,\"connections\":%d,\"window_seconds\":%.3f,\"requests\":%llu,"
      "\"requests_per_s\":%.1f,\"accepted_events\":%llu,\"events_per_s\":%.1f,"
      "\"statuses\":{%s},\"connection_failures\":%llu,"
      "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f},"
      "\"server_cpu_seconds\":%.3f,\"server_cpu_us_per_event\":%s,\"tester_cpu_seconds\":%.3f}\n",
      o.batch, o.connections, window, static_cast<unsigned long long>(t.requests),
      static_cast<double>(t.requests) / window, static_cast<unsigned long long>(t.accepted_events),
      eps, statuses.c_str(), static_cast<unsigned long long>(t.failures),
      percentile(t.latency_us, 0.5), percentile(t.latency_us, 0.9), percentile(t.latency_us, 0.99),
      percentile(t.latency_us, 0.999), percentile(t.latency_us, 1.0), server_cpu,
      o.server_pids.empty() || t.accepted_events == 0
          ? "null"
          : std::to_string(server_cpu * 1e6 / static_cast<double>(t.accepted_events)).c_str(),
      own_cpu);
  const bool clean = t.failures == 0 && t.statuses.size() == 1 && t.statuses.count(202) == 1;
  return clean ? 0 : 1;
}
