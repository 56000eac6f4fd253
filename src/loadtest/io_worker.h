#pragma once
// One I/O thread of the load tester: its io_context, the connections it drives, its channel
// table, its shared read buffer, its counters and latency histograms. The engine talks to it
// only through the posting methods (any thread) and the relaxed-atomic live counters; the
// rest is read after join().
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include "loadtest/balance_check.h"
#include "loadtest/latency_histogram.h"
#include "loadtest/options.h"
#include "loadtest/protocol_adapter.h"
#include "loadtest/report.h"
#include "loadtest/sequence_tracker.h"
#include "loadtest/subscription_plan.h"
#include "protocol/ws_inflate.h"

namespace odin::loadtest {

class connection;

struct channel_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct channel_equal {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

inline constexpr uint32_t no_channel = UINT32_MAX;

struct live_counters {
  std::atomic<uint64_t> attempted{0};
  std::atomic<uint64_t> established{0};
  std::atomic<uint64_t> subscribed{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<uint64_t> settled{0};  // open and subscribed, failed, or closed during setup
  std::atomic<uint64_t> closed{0};   // connections that ended (either side)
  std::atomic<uint64_t> closed_by_server{0};
  std::atomic<uint64_t> events{0};  // every event frame
};

struct server_target {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host;    // for the Host header
  std::string target;  // request path
};

class io_worker {
 public:
  io_worker(const options& o, const subscription_plan& plan, server_target server,
            uint64_t mask_seed);
  ~io_worker();
  io_worker(const io_worker&) = delete;
  io_worker& operator=(const io_worker&) = delete;

  void start();
  // --- any thread (posted to the I/O thread)
  void launch(std::size_t client_index);
  void set_window(int64_t start_us, int64_t end_us);
  void begin_close();                        // every live connection sends close 1000
  void abort_unsettled(std::string reason);  // connections still setting up fail
  void abort_all();                          // hard-close whatever is left
  // Reconnect scenario: clients by position among this worker's connections (launch order).
  void reconnect(std::vector<std::size_t> slots, bool burst);
  // The burst's clients and span (wall µs): the others' latency is sampled before and during.
  void mark_burst(std::vector<std::size_t> slots, int64_t start_us, int64_t end_us);
  void stop_and_join();
  const live_counters& counters() const { return counters_; }
  latency_histogram take_interval();  // the latencies since the last call

  // --- after stop_and_join()
  // Adds this thread's counts; records each channel's newest in-window seq into channel_max.
  void collect(report& r, std::map<std::string, uint64_t>& channel_max) const;
  // Tail loss of the connections we closed ourselves, against the run's newest seqs.
  void add_tail_loss(const std::map<std::string, uint64_t>& channel_max,
                     sequence_counts& counts) const;

  // --- I/O thread only (connections)
  boost::asio::io_context& io() { return io_; }
  const options& opts() const { return options_; }
  const subscription_plan& plan() const { return plan_; }
  const server_target& server() const { return server_; }
  protocol_adapter& adapter() { return *adapter_; }
  uint32_t intern(std::string_view channel);
  std::vector<char>& read_buffer() { return read_buffer_; }
  uint32_t next_mask();
  void set_now(int64_t now_us) { now_us_ = now_us; }
  // The event's channel id (no_channel when unknown). `replayed`: a reconnect's replay (not
  // delivery latency); `in_burst`: the connection is one of the burst's.
  uint32_t on_event(sequence_tracker& tracker, const event_view& e, bool replayed, bool in_burst);
  // A balances channel's event for client `client_index`: own or foreign (balance_check.h).
  void on_balance_event(std::size_t client_index, const event_view& e);
  int64_t now_us() const { return now_us_; }
  const std::string& channel_name(uint32_t id) const { return channels_[id].name; }
  void on_resubscribed(int64_t to_subscribed_us, bool burst);
  void on_first_live(int64_t to_live_us, int64_t to_replayed_us);
  void on_recovered(uint32_t recovered, uint32_t not_recovered);
  void on_reconnect_failed(std::string_view reason);
  void on_reply() { ++replies_; }
  // --compression: bytes read from sockets (the report's wire bytes, any phase), and the
  // thread's inflater (fresh per message: the server never takes context over).
  void on_wire_bytes(std::size_t n) { wire_bytes_ += n; }
  bool inflate(std::string_view compressed, std::string& out);
  std::string& inflate_scratch() { return inflated_; }
  void on_request_error() { ++request_errors_; }
  void on_attempt() { counters_.attempted.fetch_add(1, std::memory_order_relaxed); }
  void on_established() { counters_.established.fetch_add(1, std::memory_order_relaxed); }
  void on_subscribed();
  void note_problem(std::string_view reason);  // counted by reason in the report
  // A connection ended. `was_settled`: it had been set up (or had already failed);
  // `failed_setup`: it ended before being set up.
  void on_closed(bool by_server, uint16_t code, bool was_settled, bool failed_setup);

 private:
  struct channel_info {
    std::string name;
    uint64_t max_seq = 0;  // newest seq of an in-window (or earlier) event
  };

  void sample_others(int64_t ts_us, int64_t latency);
  void arm_reconnect_sweep();  // --reconnect-timeout, checked every 100 ms once reconnects start
  uint32_t on_private_event(const sequence_tracker& tracker, uint32_t id, const event_view& e,
                            int64_t latency, bool replayed);

  const options& options_;
  const subscription_plan& plan_;
  server_target server_;
  std::unique_ptr<protocol_adapter> adapter_;
  boost::asio::io_context io_;
  boost::asio::steady_timer sweep_;
  bool sweep_armed_ = false;
  std::vector<std::unique_ptr<connection>> connections_;  // destroyed before io_
  boost::unordered_flat_map<std::string, uint32_t, channel_hash, channel_equal> channel_ids_;
  std::vector<channel_info> channels_;
  std::vector<char> read_buffer_;
  live_counters counters_;
  latency_histogram latency_;   // events of the window
  latency_histogram interval_;  // every event since the last take_interval()
  std::mutex interval_mutex_;
  latency_histogram interval_out_;
  sequence_counts seq_;
  balance_counts balances_;
  reconnect_counts reconnect_;
  std::map<std::string, uint64_t> failures_;
  std::map<uint16_t, uint64_t> closed_by_server_;
  uint64_t received_ = 0;
  uint64_t wire_bytes_ = 0;
  uint64_t inflated_messages_ = 0;
  protocol::ws::inflater inflater_;
  std::string inflated_;
  uint64_t replies_ = 0;
  uint64_t request_errors_ = 0;
  int64_t now_us_ = 0;
  int64_t window_start_us_ = INT64_MAX;
  int64_t window_end_us_ = INT64_MAX;
  uint64_t mask_state_;
  std::thread thread_;
};

}  // namespace odin::loadtest
