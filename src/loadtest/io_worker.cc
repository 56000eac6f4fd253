#include "loadtest/io_worker.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "loadtest/client_token.h"
#include "loadtest/connection.h"

namespace odin::loadtest {

io_worker::io_worker(const options& o, const subscription_plan& plan, server_target server,
                     uint64_t mask_seed)
    : options_(o),
      plan_(plan),
      server_(std::move(server)),
      adapter_(make_adapter(o.protocol)),
      sweep_(io_),
      mask_state_(mask_seed * 0x9e3779b97f4a7c15ULL + 1) {
  read_buffer_.resize(16384 + 64);
}

io_worker::~io_worker() {
  stop_and_join();
  connections_.clear();  // sockets before the io_context
}

void io_worker::start() {
  thread_ = std::thread([this] {
    auto guard = boost::asio::make_work_guard(io_);
    io_.run();
  });
}

void io_worker::stop_and_join() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void io_worker::launch(std::size_t client_index) {
  boost::asio::post(io_, [this, client_index] {
    connections_.push_back(std::make_unique<connection>(*this, client_index));
    connections_.back()->start();
  });
}

void io_worker::set_window(int64_t start_us, int64_t end_us) {
  boost::asio::post(io_, [this, start_us, end_us] {
    window_start_us_ = start_us;
    window_end_us_ = end_us;
  });
}

void io_worker::begin_close() {
  boost::asio::post(io_, [this] {
    for (auto& c : connections_) c->begin_close();
  });
}

void io_worker::abort_unsettled(std::string reason) {
  boost::asio::post(io_, [this, reason = std::move(reason)] {
    for (auto& c : connections_) {
      if (!c->settled()) c->abort(reason);
    }
  });
}

void io_worker::abort_all() {
  boost::asio::post(io_, [this] {
    for (auto& c : connections_) c->abort("closed by the run");
  });
}

void io_worker::reconnect(std::vector<std::size_t> slots, bool burst) {
  boost::asio::post(io_, [this, slots = std::move(slots), burst] {
    reconnect_.enabled = true;
    if (!sweep_armed_) arm_reconnect_sweep();
    for (const std::size_t i : slots) {
      if (i >= connections_.size()) continue;
      if (connections_[i]->reconnect(burst)) {
        ++reconnect_.started;
      } else {
        ++reconnect_.skipped;
      }
    }
  });
}

void io_worker::mark_burst(std::vector<std::size_t> slots, int64_t start_us, int64_t end_us) {
  boost::asio::post(io_, [this, slots = std::move(slots), start_us, end_us] {
    reconnect_.enabled = true;
    reconnect_.burst_start_us = start_us;
    reconnect_.burst_end_us = end_us;
    for (const std::size_t i : slots) {
      if (i >= connections_.size()) continue;
      connections_[i]->set_in_burst();
      ++reconnect_.burst_clients;
    }
  });
}

void io_worker::arm_reconnect_sweep() {
  sweep_armed_ = true;
  sweep_.expires_after(std::chrono::milliseconds(100));
  sweep_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    for (auto& c : connections_) {
      if (c->reconnecting()) c->expire_reconnect(now);
    }
    arm_reconnect_sweep();
  });
}

void io_worker::on_reconnect_failed(std::string_view reason) {
  ++reconnect_.failed;
  ++reconnect_.failures[std::string(reason)];
}

void io_worker::on_resubscribed(int64_t to_subscribed_us, bool burst) {
  ++reconnect_.resubscribed;
  reconnect_.to_subscribed.record(to_subscribed_us);
  if (burst) reconnect_.burst_to_subscribed.record(to_subscribed_us);
}

void io_worker::on_first_live(int64_t to_live_us, int64_t to_replayed_us) {
  reconnect_.to_live.record(to_live_us);
  reconnect_.to_replayed.record(to_replayed_us);
}

void io_worker::on_recovered(uint32_t recovered, uint32_t not_recovered) {
  reconnect_.recovered += recovered;
  reconnect_.not_recovered += not_recovered;
}

latency_histogram io_worker::take_interval() {
  latency_histogram out;
  {
    std::lock_guard lock(interval_mutex_);
    out = interval_out_;
    interval_out_.reset();
  }
  boost::asio::post(io_, [this] {
    std::lock_guard lock(interval_mutex_);
    interval_out_.merge(interval_);
    interval_.reset();
  });
  return out;
}

// The server's limit on what it accepts is ours on what we inflate: 64 MiB, far past any event.
bool io_worker::inflate(std::string_view compressed, std::string& out) {
  constexpr std::size_t max_message = 64 * 1024 * 1024;
  if (inflater_.inflate_message(compressed, max_message, out) != protocol::ws::inflate_status::ok) {
    return false;
  }
  ++inflated_messages_;
  return true;
}

uint32_t io_worker::intern(std::string_view channel) {
  auto it = channel_ids_.find(channel);
  if (it != channel_ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(channels_.size());
  channels_.push_back({std::string(channel), 0});
  channel_ids_.emplace(std::string(channel), id);
  return id;
}

uint32_t io_worker::next_mask() {
  mask_state_ ^= mask_state_ << 13;
  mask_state_ ^= mask_state_ >> 7;
  mask_state_ ^= mask_state_ << 17;
  return static_cast<uint32_t>(mask_state_);
}

// Hot path: once per received event.
uint32_t io_worker::on_event(sequence_tracker& tracker, const event_view& e, bool replayed,
                             bool in_burst) {
  counters_.events.fetch_add(1, std::memory_order_relaxed);
  const int64_t latency = now_us_ - e.ts_us;
  if (!replayed) interval_.record(latency);
  auto it = channel_ids_.find(e.channel);
  const uint32_t id = it == channel_ids_.end() ? no_channel : it->second;
  if (e.ts_us > window_end_us_) return id;  // after the window: only counted above
  if (id == no_channel) {
    ++seq_.unexpected;
    return id;
  }
  if (e.balances) return on_private_event(tracker, id, e, latency, replayed);
  if (e.seq == 0 && !e.pos.empty()) {  // odin, replayed from the bus without a number: the next one
                                       // (reconnect_report.h)
    ++reconnect_.unnumbered;
    tracker.assume_next(id);
    return id;
  }
  const verdict v = tracker.observe(id, e.seq, seq_);
  if (v == verdict::unexpected) return id;
  channel_info& info = channels_[id];
  if (e.seq > info.max_seq) info.max_seq = e.seq;
  if (e.ts_us >= window_start_us_) {
    ++received_;
    if (!replayed) latency_.record(latency);
    if (reconnect_.burst_start_us != 0 && !in_burst && !replayed) sample_others(e.ts_us, latency);
  }
  return id;
}

// A balances channel's seq counts every user's events of the channel (docs/protocol.md), and a
// client receives only its own: gaps are expected, so these channels get no gap or tail-loss
// checks (their max_seq stays 0); counts and latency as any event's.
uint32_t io_worker::on_private_event(const sequence_tracker& tracker, uint32_t id,
                                     const event_view& e, int64_t latency, bool replayed) {
  if (!tracker.expects(id)) {
    ++seq_.unexpected;
    return id;
  }
  if (e.ts_us >= window_start_us_) {
    ++received_;
    if (!replayed) latency_.record(latency);
  }
  return id;
}

// Rare (balances events only): the client's sub is formatted again rather than kept per
// connection.
void io_worker::on_balance_event(std::size_t client_index, const event_view& e) {
  const bool in_window = e.ts_us >= window_start_us_ && e.ts_us <= window_end_us_;
  const std::string sub =
      options_.jwt_secret.empty() ? std::string() : client_sub(options_, client_index);
  count_balance_event(balances_, sub, e.user, in_window);
}

void io_worker::sample_others(int64_t ts_us, int64_t latency) {
  if (ts_us < reconnect_.burst_start_us) {
    reconnect_.others_before.record(latency);
  } else if (ts_us <= reconnect_.burst_end_us + 1'000'000) {
    reconnect_.others_during.record(latency);
  }
}

void io_worker::on_subscribed() {
  counters_.subscribed.fetch_add(1, std::memory_order_relaxed);
  counters_.settled.fetch_add(1, std::memory_order_relaxed);
}

void io_worker::note_problem(std::string_view reason) {
  ++failures_[std::string(reason)];
}

void io_worker::on_closed(bool by_server, uint16_t code, bool was_settled, bool failed_setup) {
  if (failed_setup) counters_.failed.fetch_add(1, std::memory_order_relaxed);
  if (!was_settled) counters_.settled.fetch_add(1, std::memory_order_relaxed);
  counters_.closed.fetch_add(1, std::memory_order_relaxed);
  if (by_server) {
    ++closed_by_server_[code];
    counters_.closed_by_server.fetch_add(1, std::memory_order_relaxed);
  }
}

void io_worker::collect(report& r, std::map<std::string, uint64_t>& channel_max) const {
  auto& c = r.connections;
  c.attempted += counters_.attempted.load();
  c.established += counters_.established.load();
  c.subscribed += counters_.subscribed.load();
  c.failed += counters_.failed.load();
  for (const auto& [k, v] : failures_) c.failures[k] += v;
  for (const auto& [k, v] : closed_by_server_) c.closed_by_server[k] += v;
  for (const auto& conn : connections_) {
    if (conn->closed_by_us()) ++c.open_at_end;
  }
  r.events.received += received_;
  r.events.received_all += counters_.events.load();
  r.events.wire_bytes += wire_bytes_;
  r.events.inflated += inflated_messages_;
  r.events.replies += replies_;
  r.events.request_errors += request_errors_;
  r.events.seq.merge(seq_);
  r.events.balances.merge(balances_);
  r.latency.merge(latency_);
  r.reconnects.merge(reconnect_);
  for (const auto& ch : channels_) {
    uint64_t& m = channel_max[ch.name];
    if (ch.max_seq > m) m = ch.max_seq;
  }
}

void io_worker::add_tail_loss(const std::map<std::string, uint64_t>& channel_max,
                              sequence_counts& counts) const {
  for (const auto& conn : connections_) {
    if (!conn->closed_by_us()) continue;
    conn->tracker().for_each_last([&](uint32_t id, uint64_t last) {
      auto it = channel_max.find(channels_[id].name);
      if (it != channel_max.end() && it->second > last) counts.tail_loss += it->second - last;
    });
  }
}

}  // namespace odin::loadtest
