#pragma once
// One load-test client connection: TCP connect (optionally from a given local address), the
// WebSocket upgrade, the subscribe messages, then reading events until the run closes it.
//
// Cheap by design: no read buffer of its own. It waits for readability (async_wait) and then
// reads with non-blocking read_some into its I/O thread's shared buffer; only the bytes of an
// incomplete frame are kept (`pending_`, usually empty). Lives on one I/O thread and is
// touched by that thread only; owned by its io_worker until the worker is destroyed.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "loadtest/protocol_adapter.h"
#include "loadtest/sequence_tracker.h"
#include "loadtest/ws_client_codec.h"

namespace odin::loadtest {

class io_worker;

class connection final : public message_sink {
 public:
  enum class state : uint8_t { idle, connecting, handshaking, subscribing, open, closing, done };

  connection(io_worker& worker, std::size_t client_index);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void start();
  // The reconnect scenario: drops the connection (no close frame, as a lost network does),
  // connects again and resubscribes every channel with "since" = the last pos seen on it.
  // False (nothing done) unless the connection is open.
  bool reconnect(bool burst);
  void set_in_burst() { in_burst_ = true; }
  // Our close (1000): stays readable until the server's close frame or EOF.
  void begin_close();
  // Gives up now: a connection not set up yet counts as failed with `reason`.
  void abort(std::string_view reason);
  // A reconnect still under way --reconnect-timeout after its drop (wall µs `now_us`) fails
  // ("timeout while <phase>").
  void expire_reconnect(int64_t now_us);
  bool reconnecting() const { return reconnecting_; }

  state current() const { return state_; }
  // Set up (subscribed), or ended: the setup phase is over for this connection.
  bool settled() const { return subscribed_ || state_ == state::done; }
  bool closed_by_us() const { return closing_by_us_; }
  const sequence_tracker& tracker() const { return tracker_; }

  // message_sink
  void on_event(const event_view& e) override;
  void on_confirmation() override;
  void on_recovered(uint32_t recovered, uint32_t not_recovered) override;
  void on_reply() override;
  void on_request_error() override;
  void send_text(std::string_view text) override;

 private:
  void connect_socket();
  void on_connected(const boost::system::error_code& ec);
  void send_subscribe();
  void on_resubscribed();
  void note_position(uint32_t channel, std::string_view pos);
  void wait_readable();
  void on_readable(const boost::system::error_code& ec);
  bool handle_input(char* data, std::size_t size, std::size_t capacity);
  std::size_t handle_handshake(std::string_view data);
  std::size_t handle_frames(char* data, std::size_t size, std::size_t capacity);
  bool handle_message(ws::opcode op, char* payload, std::size_t size, std::size_t readable);
  bool handle_compressed(const char* payload, std::size_t size);  // false: ended
  void on_server_close(const char* payload, std::size_t size);
  void write(std::string bytes);
  void flush();
  void fail(std::string_view reason);
  void finish(bool by_server, uint16_t code);
  // What a reconnect under way is waiting for ("connecting", "waiting for the upgrade
  // response", "waiting for subscribed"): its failure reasons name it.
  std::string_view phase() const;

  io_worker& worker_;
  boost::asio::ip::tcp::socket socket_;
  sequence_tracker tracker_;
  std::string pending_;  // bytes of an incomplete frame (or response), read but not used
  std::string message_;  // a fragmented message being reassembled
  std::string carry_;    // the adapter's per-connection state
  std::string out_;      // to write next
  std::string writing_;  // being written
  std::string retired_;  // the buffer of a write aborted by a reconnect
  // Reconnect scenario: the last pos per channel, and the reconnect under way (wall µs).
  std::vector<std::pair<uint32_t, std::string>> positions_;
  int64_t reconnect_started_us_ = 0;  // t0: the drop
  int64_t resubscribed_us_ = 0;       // the last subscribed reply of the reconnect
  int64_t last_replayed_us_ = 0;      // the last replayed frame's arrival
  uint32_t generation_ = 0;           // handlers of an older socket are ignored
  bool reconnecting_ = false;         // dropped, not yet resubscribed
  bool awaiting_live_ = false;        // resubscribed, no live frame yet
  bool in_burst_ = false;             // one of the burst's clients (not an "other")
  bool burst_reconnect_ = false;      // the reconnect under way is the burst's
  uint32_t index_;                    // client index within the run
  uint32_t mask_;
  uint16_t confirmations_left_ = 0;
  state state_ = state::idle;
  bool write_active_ = false;
  bool closing_by_us_ = false;
  bool subscribed_ = false;
  bool compressed_message_ = false;  // the fragmented message in message_ has RSV1
};

}  // namespace odin::loadtest
