#pragma once
// A small blocking HTTP/1.1 test client (Beast) with a deadline on every wait, able to send
// arbitrary bytes (bad requests, slow bodies) and to read several answers on one connection.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace odin::publisher::testing {

struct http_answer {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool keep_alive = false;
};

// "POST /events HTTP/1.1" with Host, Content-Type (when not empty) and Content-Length.
std::string request_text(std::string_view method, std::string_view target, std::string_view body,
                         std::string_view content_type = "application/json");

class raw_client {
 public:
  explicit raw_client(uint16_t port);  // connects to 127.0.0.1; throws on failure
  ~raw_client();

  // False when the bytes could not be written within 5 s or the connection failed.
  bool send(std::string_view bytes);
  // The next answer; nullopt when none came within `timeout` or the connection closed.
  std::optional<http_answer> read_answer(std::chrono::milliseconds timeout);
  // True when the server closes the connection within `timeout` (data sent is discarded).
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  // Runs the io_context until `done` or `timeout`; cancels what is pending on timeout.
  bool run(const bool& done, std::chrono::milliseconds timeout);

  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

// One request on a fresh connection; status 0 when no answer came within 10 s.
http_answer http_call(uint16_t port, std::string_view method, std::string_view target,
                      std::string_view body = {},
                      std::string_view content_type = "application/json");

inline http_answer post_json(uint16_t port, std::string_view target, std::string_view body) {
  return http_call(port, "POST", target, body);
}
inline http_answer get(uint16_t port, std::string_view target) {
  return http_call(port, "GET", target, {}, {});
}

}  // namespace odin::publisher::testing
