#pragma once
// The WebSocket test client (Beast, client side) for a server on loopback. Every operation is
// bounded by a deadline. A read that times out leaves its read pending, so the stream stays
// usable: the message it was waiting for is returned by the next read.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace odin::test {

struct ws_message {
  enum class kind { text, binary, closed, error, timeout } what = kind::error;
  std::string payload;
  uint16_t close_code = 0;  // when closed
  std::string error;
};

class ws_client {
 public:
  // Not connected yet (see connect()); `receive_buffer` > 0 sets SO_RCVBUF (a slow reader).
  explicit ws_client(uint16_t port, int receive_buffer = 0);
  // Connects and upgrades to ws://host:port/target now; throws std::runtime_error otherwise.
  ws_client(const std::string& host, uint16_t port, std::string_view target = "/ws");
  ~ws_client();

  // Offers permessage-deflate in the next connect() (Beast's own implementation: it inflates
  // compressed frames and compresses every message it sends); call before connect().
  void offer_deflate();
  // The Sec-WebSocket-Extensions the server answered (empty when none).
  const std::string& extensions() const { return extensions_; }

  // Handshake on `target`: the HTTP status of the answer (101 on success, 0 on no answer).
  int connect(std::string_view target = "/ws",
              std::chrono::milliseconds timeout = std::chrono::seconds(3));
  bool send_text(std::string_view text,
                 std::chrono::milliseconds timeout = std::chrono::seconds(3));
  bool send_binary(std::string_view data,
                   std::chrono::milliseconds timeout = std::chrono::seconds(3));
  // Bytes written on the socket as they are (a broken frame, a raw request).
  bool send_raw(std::string_view bytes,
                std::chrono::milliseconds timeout = std::chrono::seconds(3));

  // The next message; kind::timeout when none came within `timeout` (the read stays pending),
  // kind::closed / kind::error once the stream ended (returned again by later reads).
  ws_message read(std::chrono::milliseconds timeout = std::chrono::seconds(3));
  // The next message's payload when it is text; nullopt on timeout, close, error or binary.
  std::optional<std::string> read_text(std::chrono::milliseconds timeout = std::chrono::seconds(3));
  // Reads text messages until one equals `last`, all bounded by `timeout`; returns those
  // before it. `complete` tells whether `last` arrived.
  std::vector<std::string> read_until(std::string_view last, bool& complete,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends a request and returns the next text message that is not an event (its reply).
  std::optional<std::string> request(std::string_view text, std::chrono::milliseconds timeout);

  bool close(uint16_t code = 1000, std::chrono::milliseconds timeout = std::chrono::seconds(3));
  // True once a read saw the stream end (the server closed it, or an error).
  bool closed() const { return ended_.has_value(); }
  // The close code the server sent (0 when none yet).
  uint16_t close_code() const { return ended_ ? ended_->close_code : 0; }
  // Reads (discarding messages) until the server closes or the timeout passes.
  bool wait_closed(std::chrono::milliseconds timeout);
  // Payloads of the pong frames seen so far (by reads).
  const std::vector<std::string>& pongs() const { return pongs_; }

 private:
  void start_read();
  // Runs the io_context until `done` or `timeout`; on timeout cancels the socket (the stream
  // is unusable afterwards: only for connect, writes and close).
  bool run_until(const bool& done, std::chrono::milliseconds timeout);

  std::string host_ = "127.0.0.1";
  uint16_t port_;
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<ws_message> inbox_;     // messages read but not yet returned
  std::optional<ws_message> ended_;  // the close or error that ended the stream
  bool reading_ = false;             // one async_read stays pending across read() calls
  std::vector<std::string> pongs_;
  std::string extensions_;
};

}  // namespace odin::test
