#include "loadtest/connection.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "loadtest/client_token.h"
#include "loadtest/io_worker.h"
#include "loadtest/reconnect_plan.h"

namespace odin::loadtest {
namespace {

int64_t wall_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::size_t reads_per_wakeup = 4;  // then yield to other connections

}  // namespace

connection::connection(io_worker& worker, std::size_t client_index)
    : worker_(worker),
      socket_(worker.io()),
      index_(static_cast<uint32_t>(client_index)),
      mask_(worker.next_mask()) {}

void connection::start() {
  worker_.on_attempt();
  connect_socket();
}

void connection::connect_socket() {
  state_ = state::connecting;
  boost::system::error_code ec;
  socket_.open(boost::asio::ip::tcp::v4(), ec);
  if (ec) return fail("socket: " + ec.message());
  const auto& ips = worker_.opts().source_ips;
  if (!ips.empty()) {
    const int one = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    const boost::asio::ip::address_v4 local(ips[index_ % ips.size()]);
    socket_.bind({local, 0}, ec);
    if (ec) return fail("bind: " + ec.message());
  }
  socket_.async_connect(worker_.server().endpoint,
                        [this, gen = generation_](const boost::system::error_code& e) {
                          if (gen == generation_) on_connected(e);
                        });
}

bool connection::reconnect(bool burst) {
  if (state_ != state::open) return false;
  burst_reconnect_ = burst;
  ++generation_;  // what the old socket's handlers still deliver is ignored
  boost::system::error_code ec;
  socket_.close(ec);
  socket_ = boost::asio::ip::tcp::socket(worker_.io());
  pending_.clear();
  message_.clear();
  carry_.clear();
  out_.clear();
  retired_ = std::move(writing_);  // an aborted write may still name it until its handler runs
  writing_.clear();
  write_active_ = false;
  reconnecting_ = true;
  awaiting_live_ = false;
  reconnect_started_us_ = wall_now_us();
  connect_socket();
  return true;
}

void connection::on_connected(const boost::system::error_code& ec) {
  if (state_ != state::connecting) return;
  if (ec) return fail("connect: " + ec.message());
  socket_.set_option(boost::asio::ip::tcp::no_delay(true));
  socket_.non_blocking(true);
  state_ = state::handshaking;
  const auto& s = worker_.server();
  write(ws::upgrade_request(s.host, s.endpoint.port(),
                            target_for_client(worker_.opts(), s.target, index_),
                            ws::websocket_key(index_), worker_.opts().compression));
  wait_readable();
}

void connection::wait_readable() {
  socket_.async_wait(boost::asio::ip::tcp::socket::wait_read,
                     [this, gen = generation_](const boost::system::error_code& ec) {
                       if (gen == generation_) on_readable(ec);
                     });
}

// Reads what the socket has into the thread's buffer (after any pending partial frame) and
// handles every complete frame; a bounded number of reads per wake-up keeps it fair.
void connection::on_readable(const boost::system::error_code& ec) {
  if (state_ == state::done) return;
  if (ec) return finish(true, 1006);
  std::vector<char>& buf = worker_.read_buffer();
  worker_.set_now(wall_now_us());
  for (std::size_t round = 0; round < reads_per_wakeup; ++round) {
    const std::size_t kept = pending_.size();
    const std::size_t padding = 64;
    if (buf.size() < kept + 16384 + padding) buf.resize(kept + 16384 + padding);
    std::memcpy(buf.data(), pending_.data(), kept);
    pending_.clear();
    boost::system::error_code rec;
    const std::size_t n =
        socket_.read_some(boost::asio::buffer(buf.data() + kept, buf.size() - kept - padding), rec);
    if (rec == boost::asio::error::would_block) {
      pending_.assign(buf.data(), kept);
      break;
    }
    if (rec) {  // EOF or reset: the server went away without (or after) a close frame
      return finish(!closing_by_us_, 1006);
    }
    worker_.on_wire_bytes(n);
    if (!handle_input(buf.data(), kept + n, buf.size())) return;
    if (state_ == state::done) return;
  }
  wait_readable();
}

// Returns false when the connection ended while handling the input.
bool connection::handle_input(char* data, std::size_t size, std::size_t capacity) {
  std::size_t used = 0;
  if (state_ == state::handshaking) {
    used = handle_handshake(std::string_view(data, size));
    if (state_ == state::done) return false;
    if (state_ == state::handshaking) {
      pending_.assign(data, size);
      return true;
    }
  }
  used += handle_frames(data + used, size - used, capacity - used);
  if (state_ == state::done) return false;
  pending_.assign(data + used, size - used);
  return true;
}

std::size_t connection::handle_handshake(std::string_view data) {
  const auto r = ws::parse_handshake(data, ws::websocket_key(index_));
  switch (r.status) {
    case ws::handshake_status::incomplete:
      return 0;
    case ws::handshake_status::refused:
      fail("http " + std::to_string(r.http_status));
      return 0;
    case ws::handshake_status::malformed:
      fail("bad upgrade response");
      return 0;
    case ws::handshake_status::accepted:
      break;
  }
  if (!reconnecting_) worker_.on_established();
  send_subscribe();
  return r.consumed;
}

void connection::send_subscribe() {
  auto plan = worker_.plan().for_client(index_);
  std::vector<std::string> requests;
  if (reconnecting_) {
    std::vector<std::pair<std::string, std::string>> since;
    for (const auto& [id, pos] : positions_) since.emplace_back(worker_.channel_name(id), pos);
    requests = resubscribe_requests(plan.channels, since);
  } else {
    for (const auto& c : plan.channels) tracker_.expect(worker_.intern(c));
    requests = worker_.plan().requests(plan);
  }
  confirmations_left_ = static_cast<uint16_t>(requests.size());
  if (!reconnecting_) {
    confirmations_left_ = static_cast<uint16_t>(worker_.plan().confirmations(plan));
  }
  state_ = state::subscribing;
  const bool binary = worker_.opts().protocol == protocol_kind::nats;
  std::string out;
  for (const auto& request : requests) {
    ws::append_frame(out, binary ? ws::opcode::binary : ws::opcode::text, request, mask_);
  }
  write(std::move(out));
}

// Walks the complete frames in [data, data+size); returns the bytes consumed.
std::size_t connection::handle_frames(char* data, std::size_t size, std::size_t capacity) {
  std::size_t pos = 0;
  while (pos < size && state_ != state::done) {
    ws::frame_header h;
    const auto st = ws::read_header(data + pos, size - pos, h, worker_.opts().compression);
    if (st == ws::header_status::need_more) break;
    if (st == ws::header_status::malformed) {
      fail("bad frame");
      return size;
    }
    if (size - pos - h.header_size < h.payload_size) break;
    char* payload = data + pos + h.header_size;
    const auto len = static_cast<std::size_t>(h.payload_size);
    pos += h.header_size + len;
    if (!h.fin || h.op == ws::opcode::continuation) {
      if (h.op != ws::opcode::continuation) compressed_message_ = h.compressed;
      message_.append(payload, len);
      if (!h.fin) continue;
      message_.reserve(message_.size() + 64);
      std::string whole = std::move(message_);
      message_.clear();
      const bool going = compressed_message_ ? handle_compressed(whole.data(), whole.size())
                                             : handle_message(ws::opcode::text, whole.data(),
                                                              whole.size(), whole.capacity());
      if (!going) break;
      continue;
    }
    const bool going = h.compressed ? handle_compressed(payload, len)
                                    : handle_message(h.op, payload, len, capacity - (pos - len));
    if (!going) break;
  }
  return pos;
}

bool connection::handle_message(ws::opcode op, char* payload, std::size_t size,
                                std::size_t readable) {
  switch (op) {
    case ws::opcode::close:
      on_server_close(payload, size);
      return false;
    case ws::opcode::ping: {
      std::string out;
      ws::append_frame(out, ws::opcode::pong, std::string_view(payload, size), mask_);
      write(std::move(out));
      return true;
    }
    case ws::opcode::pong:
      return true;
    default:
      break;
  }
  if (!worker_.adapter().on_message(std::string_view(payload, size), readable, carry_, *this)) {
    worker_.note_problem("unreadable message");
  }
  return state_ != state::done;
}

// A permessage-deflate message: inflated into the thread's scratch (padded for simdjson).
bool connection::handle_compressed(const char* payload, std::size_t size) {
  std::string& out = worker_.inflate_scratch();
  if (!worker_.inflate(std::string_view(payload, size), out)) {
    fail("bad compressed message");
    return false;
  }
  const std::size_t n = out.size();
  out.resize(n + 64);  // simdjson reads up to 64 bytes past the end
  return handle_message(ws::opcode::text, out.data(), n, out.size());
}

void connection::on_server_close(const char* payload, std::size_t size) {
  uint16_t code = 1005;
  if (size >= 2) {
    code = static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) |
                                 static_cast<uint8_t>(payload[1]));
  }
  if (!closing_by_us_) {  // echo it, then end
    std::string out;
    ws::append_close(out, code, mask_);
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(out), ec);
  }
  finish(!closing_by_us_, code);
}

// Replayed frames (after a reconnect's reply, entered the bus before it) are not delivery
// latency; the first frame that entered the bus after the reply is the first live one.
void connection::on_event(const event_view& e) {
  bool replayed = false;
  if (awaiting_live_) {
    const int64_t now = worker_.now_us();
    if (e.ts_us < resubscribed_us_) {
      replayed = true;
      last_replayed_us_ = now;
    } else {
      awaiting_live_ = false;
      worker_.on_first_live(now - reconnect_started_us_,
                            std::max(last_replayed_us_, resubscribed_us_) - reconnect_started_us_);
    }
  }
  if (e.balances) worker_.on_balance_event(index_, e);
  const uint32_t channel = worker_.on_event(tracker_, e, replayed, in_burst_);
  if (channel != no_channel && !e.pos.empty() && worker_.opts().reconnects()) {
    note_position(channel, e.pos);
  }
}

void connection::note_position(uint32_t channel, std::string_view pos) {
  for (auto& [id, p] : positions_) {
    if (id == channel) return void(p.assign(pos));
  }
  positions_.emplace_back(channel, std::string(pos));
}

void connection::on_confirmation() {
  worker_.on_reply();
  if (state_ != state::subscribing || confirmations_left_ == 0) return;
  if (--confirmations_left_ == 0) {
    state_ = state::open;
    if (reconnecting_) return on_resubscribed();
    subscribed_ = true;
    worker_.on_subscribed();
  }
}

void connection::on_resubscribed() {
  reconnecting_ = false;
  awaiting_live_ = true;
  resubscribed_us_ = wall_now_us();
  last_replayed_us_ = 0;
  worker_.on_resubscribed(resubscribed_us_ - reconnect_started_us_, burst_reconnect_);
}

void connection::on_recovered(uint32_t recovered, uint32_t not_recovered) {
  worker_.on_recovered(recovered, not_recovered);
}

void connection::on_reply() {
  worker_.on_reply();
}

void connection::on_request_error() {
  worker_.on_request_error();
  if (state_ == state::subscribing) fail("subscribe refused");
}

void connection::send_text(std::string_view text) {
  std::string out;
  const bool binary = worker_.opts().protocol == protocol_kind::nats;
  ws::append_frame(out, binary ? ws::opcode::binary : ws::opcode::text, text, mask_);
  write(std::move(out));
}

void connection::begin_close() {
  if (state_ == state::done || state_ == state::closing) return;
  if (reconnecting_) return abort("closed by the run");
  if (state_ != state::open && state_ != state::subscribing) return abort("closed by the run");
  closing_by_us_ = true;
  state_ = state::closing;
  std::string out;
  ws::append_close(out, 1000, mask_);
  write(std::move(out));
}

void connection::abort(std::string_view reason) {
  if (state_ == state::done) return;
  if (state_ == state::open || state_ == state::closing) {
    closing_by_us_ = true;
    return finish(false, 1000);
  }
  if (reconnecting_) return fail(fmt::format("{} while {}", reason, phase()));
  fail(reason);
}

void connection::expire_reconnect(int64_t now_us) {
  if (!reconnecting_ || state_ == state::done) return;
  const auto limit = static_cast<int64_t>(worker_.opts().reconnect_timeout_s * 1e6);
  if (now_us - reconnect_started_us_ >= limit) fail(fmt::format("timeout while {}", phase()));
}

std::string_view connection::phase() const {
  switch (state_) {
    case state::connecting:
      return "connecting";
    case state::handshaking:
      return "waiting for the upgrade response";
    case state::subscribing:
      return "waiting for subscribed";
    default:
      return "open";
  }
}

void connection::write(std::string bytes) {
  out_.append(bytes);
  if (!write_active_) flush();
}

void connection::flush() {
  if (out_.empty() || state_ == state::done) return;
  write_active_ = true;
  writing_.swap(out_);
  boost::asio::async_write(
      socket_, boost::asio::buffer(writing_),
      [this, gen = generation_](const boost::system::error_code& ec, std::size_t) {
        if (gen != generation_) return;  // the socket of before a reconnect
        write_active_ = false;
        writing_.clear();
        if (ec || state_ == state::done) return;
        flush();
      });
}

void connection::fail(std::string_view reason) {
  if (state_ == state::done) return;
  const bool was_settled = settled();
  if (reconnecting_) {
    worker_.on_reconnect_failed(reason);  // the reconnect section's reasons, not the setup's
  } else {
    worker_.note_problem(reason);
  }
  state_ = state::done;
  boost::system::error_code ec;
  socket_.close(ec);
  worker_.on_closed(false, 0, was_settled, !was_settled);
}

void connection::finish(bool by_server, uint16_t code) {
  if (state_ == state::done) return;
  if (reconnecting_) {
    worker_.on_reconnect_failed(fmt::format("closed by the {} while {} ({}{})",
                                            by_server ? "server" : "run", phase(), code,
                                            code == 1006 ? ": no close frame" : ""));
  }
  const bool was_settled = settled();
  if (!was_settled) worker_.note_problem("closed during setup (" + std::to_string(code) + ")");
  state_ = state::done;
  boost::system::error_code ec;
  socket_.close(ec);
  worker_.on_closed(by_server, code, was_settled, !was_settled);
}

}  // namespace odin::loadtest
