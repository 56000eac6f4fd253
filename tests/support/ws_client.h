#pragma once
// A blocking WebSocket test client (Beast, client side) with deadlines on every wait.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace odin::test {

class ws_client {
 public:
  // Connects and upgrades to ws://host:port/target; throws on failure.
  ws_client(const std::string& host, uint16_t port, const std::string& target = "/ws");
  ~ws_client();

  void send_text(const std::string& text);
  void send_binary(const std::string& data);

  // The next text message, or nullopt when the timeout passed or the connection closed.
  std::optional<std::string> read(std::chrono::milliseconds timeout);

  // Sends a request and returns the next message that is not an event (a reply).
  std::optional<std::string> request(const std::string& text, std::chrono::milliseconds timeout);

  bool closed() const { return closed_; }
  // The close code the server sent (0 when none yet).
  uint16_t close_code() const { return close_code_; }
  // Reads (discarding messages) until the server closes or the timeout passes.
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  void start_read();
  bool run_until(const bool& flag, std::chrono::milliseconds timeout);

  boost::beast::flat_buffer buffer_;
  std::deque<std::string> inbox_;  // messages read but not yet returned
  bool reading_ = false;           // one async_read stays outstanding across read() calls
  bool closed_ = false;
  uint16_t close_code_ = 0;
};

// A plain HTTP GET on loopback: {status, body}. Throws on connection failure.
struct http_reply {
  int status = 0;
  std::string body;
};
http_reply http_get(uint16_t port, const std::string& target);

}  // namespace odin::test
