#include "loadtest/engine.h"

#include "loadtest/reconnect_plan.h"

#include <boost/asio/ip/address_v4.hpp>
#include <stdexcept>
#include <string>
#include <thread>

namespace odin::loadtest {
namespace {

using clock = std::chrono::steady_clock;
constexpr auto tick_period = std::chrono::milliseconds(50);

server_target resolve(const std::string& url) {
  auto parsed = parse_server_url(url);
  if (!parsed) {
    throw std::invalid_argument("--server \"" + url +
                                "\": " + std::string(describe(parsed.error())));
  }
  const server_url& u = parsed.value();
  boost::system::error_code ec;
  const auto addr =
      boost::asio::ip::make_address_v4(u.host == "localhost" ? "127.0.0.1" : u.host, ec);
  if (ec)
    throw std::invalid_argument("--server host must be an IPv4 address or localhost: " + u.host);
  return {{addr, u.port}, u.host, u.target};
}

}  // namespace

int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

engine::engine(const options& o, std::function<void()> on_tick)
    : options_(o), plan_(o), on_tick_(std::move(on_tick)) {
  const server_target server = resolve(o.server);
  const unsigned threads = std::max(1u, o.threads);
  for (unsigned i = 0; i < threads; ++i) {
    const uint64_t mask_seed = o.seed * 1000003 + o.first_client + i;
    workers_.push_back(std::make_unique<io_worker>(options_, plan_, server, mask_seed));
  }
  for (auto& w : workers_) w->start();
  started_ = clock::now();
}

engine::~engine() {
  for (auto& w : workers_) w->stop_and_join();
}

uint64_t engine::total(std::atomic<uint64_t> live_counters::*field) const {
  uint64_t sum = 0;
  for (const auto& w : workers_) sum += (w->counters().*field).load(std::memory_order_relaxed);
  return sum;
}

void engine::wait_until(clock::time_point deadline, const std::function<bool()>& done) {
  while (!done() && clock::now() < deadline) {
    std::this_thread::sleep_for(std::min<clock::duration>(tick_period, deadline - clock::now()));
    if (on_tick_) on_tick_();
  }
}

void engine::setup() {
  const std::size_t n = options_.target;
  const double rate = options_.ramp_rate > 0 ? options_.ramp_rate : 1e9;
  const auto ramp_start = clock::now();
  std::size_t launched = 0;
  auto next_tick = ramp_start + tick_period;
  // Bounded: the ramp takes n / rate seconds; each turn launches every connection now due.
  while (launched < n) {
    const double elapsed = std::chrono::duration<double>(clock::now() - ramp_start).count();
    const auto due = std::min<std::size_t>(n, static_cast<std::size_t>(elapsed * rate) + 1);
    for (; launched < due; ++launched) {
      workers_[launched % workers_.size()]->launch(options_.first_client + launched);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (clock::now() >= next_tick) {
      next_tick += tick_period;
      if (on_tick_) on_tick_();
    }
  }
  const auto deadline = clock::now() + std::chrono::milliseconds(
                                           static_cast<int64_t>(options_.setup_timeout_s * 1000));
  wait_until(deadline, [&] { return total(&live_counters::settled) >= n; });
  for (auto& w : workers_) w->abort_unsettled("timeout");
  wait_until(clock::now() + std::chrono::seconds(2),
             [&] { return total(&live_counters::settled) >= n; });
}

void engine::measure(int64_t start_us, int64_t end_us) {
  window_start_us_ = start_us;
  window_end_us_ = end_us;
  for (auto& w : workers_) w->set_window(start_us, end_us);
  const auto deadline = clock::now() + std::chrono::microseconds(end_us - wall_clock_us());
  if (options_.reconnects()) {
    run_reconnects(start_us, deadline);
  } else {
    wait_until(deadline, [] { return false; });
  }
  while (clock::now() < deadline) std::this_thread::sleep_for(std::chrono::microseconds(200));
}

// Client k of this process runs on worker k % W as that worker's (k / W)-th connection.
void engine::run_reconnects(int64_t start_us, clock::time_point deadline) {
  const std::vector<reconnect_at> schedule = plan_reconnects(options_, options_.target);
  const std::size_t n = workers_.size();
  if (options_.reconnect_burst > 0) {
    std::vector<std::vector<std::size_t>> members(n);
    for (const reconnect_at& r : schedule) {
      if (r.burst) members[r.client % n].push_back(r.client / n);
    }
    const auto [from, to] = burst_span(options_);
    for (std::size_t i = 0; i < n; ++i) {
      workers_[i]->mark_burst(std::move(members[i]), start_us + static_cast<int64_t>(from * 1e6),
                              start_us + static_cast<int64_t>(to * 1e6));
    }
  }
  std::size_t next = 0;
  auto next_tick = clock::now() + tick_period;
  while (clock::now() < deadline) {
    const double elapsed_s = static_cast<double>(wall_clock_us() - start_us) / 1e6;
    std::vector<std::vector<std::size_t>> due(2 * n);  // [burst * n + worker]
    for (; next < schedule.size() && schedule[next].at_s <= elapsed_s; ++next) {
      const reconnect_at& r = schedule[next];
      due[(r.burst ? n : 0) + r.client % n].push_back(r.client / n);
    }
    for (std::size_t i = 0; i < 2 * n; ++i) {
      if (!due[i].empty()) workers_[i % n]->reconnect(std::move(due[i]), i >= n);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (clock::now() >= next_tick) {
      next_tick += tick_period;
      if (on_tick_) on_tick_();
    }
  }
}

void engine::drain() {
  const auto deadline =
      clock::now() + std::chrono::milliseconds(static_cast<int64_t>(options_.drain_s * 1000));
  wait_until(deadline, [] { return false; });
}

report engine::finish() {
  report r;
  r.protocol = std::string(to_string(options_.protocol));
  r.server = options_.server;
  r.window_start_us = window_start_us_;
  r.window_end_us = window_end_us_;
  r.connections.target = options_.target;
  if (!finished_) {
    finished_ = true;
    for (auto& w : workers_) w->begin_close();
    const uint64_t attempted = total(&live_counters::attempted);
    wait_until(clock::now() + std::chrono::seconds(3),
               [&] { return total(&live_counters::closed) >= attempted; });
    for (auto& w : workers_) w->abort_all();
    wait_until(clock::now() + std::chrono::milliseconds(500),
               [&] { return total(&live_counters::closed) >= attempted; });
    for (auto& w : workers_) w->stop_and_join();
  }
  std::map<std::string, uint64_t> channel_max;
  for (const auto& w : workers_) w->collect(r, channel_max);
  for (const auto& w : workers_) w->add_tail_loss(channel_max, r.events.seq);
  return r;
}

live_sample engine::sample() {
  live_sample s;
  s.elapsed_s = std::chrono::duration<double>(clock::now() - started_).count();
  s.target = options_.target;
  s.attempted = total(&live_counters::attempted);
  s.established = total(&live_counters::established);
  s.subscribed = total(&live_counters::subscribed);
  s.failed = total(&live_counters::failed);
  s.closed_by_server = total(&live_counters::closed_by_server);
  s.events = total(&live_counters::events);
  for (auto& w : workers_) s.interval.merge(w->take_interval());
  return s;
}

}  // namespace odin::loadtest
