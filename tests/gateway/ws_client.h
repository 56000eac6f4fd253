#pragma once
// Test clients for a gateway on loopback: a WebSocket client (Beast, client side) whose every
// operation is bounded by a deadline, and a one-shot HTTP GET.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "support/metrics_text.h"

namespace odin::gateway::test {

using namespace std::chrono_literals;

struct http_reply {
  int status = 0;  // 0: no answer
  std::string body;
  std::string content_type;
};

http_reply http_get(uint16_t port, std::string_view target, std::chrono::milliseconds timeout = 3s);

struct ws_message {
  enum class kind { text, binary, closed, error, timeout } what = kind::error;
  std::string payload;
  uint16_t close_code = 0;  // when closed
  std::string error;
};

class ws_client {
 public:
  explicit ws_client(uint16_t port, int receive_buffer = 0);
  ~ws_client();

  // Handshake on `target`: the HTTP status of the answer (101 on success, 0 on no answer).
  int connect(std::string_view target = "/ws", std::chrono::milliseconds timeout = 3s);
  bool send_text(std::string_view text, std::chrono::milliseconds timeout = 3s);
  bool send_binary(std::string_view data, std::chrono::milliseconds timeout = 3s);
  bool send_raw(std::string_view bytes, std::chrono::milliseconds timeout = 3s);  // on the socket
  ws_message read(std::chrono::milliseconds timeout = 3s);
  // Next text message (skipping nothing): its payload, or nullopt with `why` set.
  std::optional<std::string> read_text(std::chrono::milliseconds timeout = 3s);
  // Reads text messages until one equals `last`, all bounded by `timeout`; returns those
  // before it. `complete` tells whether `last` arrived.
  std::vector<std::string> read_until(std::string_view last, bool& complete,
                                      std::chrono::milliseconds timeout = 10s);
  bool close(uint16_t code = 1000, std::chrono::milliseconds timeout = 3s);
  // Payloads of the pong frames seen so far (by reads).
  const std::vector<std::string>& pongs() const { return pongs_; }

 private:
  template <class Start>
  bool run(Start start, std::chrono::milliseconds timeout);

  uint16_t port_;
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
  std::vector<std::string> pongs_;
};

using ::odin::test::metric_value;  // support/metrics_text.h

}  // namespace odin::gateway::test
