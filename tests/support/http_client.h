#pragma once
// The HTTP/1.1 test client (Beast) for a server on loopback, with a deadline on every wait:
// one-shot GET/POST with headers (http_get, http_post), and a raw connection that can send
// arbitrary bytes (bad requests, slow bodies) and read several answers (raw_client).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace odin::test {

struct http_reply {
  int status = 0;  // 0: no answer
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool keep_alive = false;

  // The value of header `name` (lower case), empty when absent.
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Extra request headers, in order ({"Authorization", "Bearer x"}).
using http_headers = std::vector<std::pair<std::string, std::string>>;

// "POST /events HTTP/1.1" with Host, Content-Type (when not empty), `headers` and
// Content-Length.
std::string request_text(std::string_view method, std::string_view target, std::string_view body,
                         std::string_view content_type = "application/json",
                         const http_headers& headers = {});

class raw_client {
 public:
  explicit raw_client(uint16_t port);  // connects to 127.0.0.1; throws on failure
  ~raw_client();

  // False when the bytes could not be written within 5 s or the connection failed.
  bool send(std::string_view bytes);
  // The next answer; nullopt when none came within `timeout` or the connection closed.
  std::optional<http_reply> read_answer(std::chrono::milliseconds timeout);
  // True when the server closes the connection within `timeout` (data sent is discarded).
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  // Runs the io_context until `done` or `timeout`; cancels what is pending on timeout.
  bool run(const bool& done, std::chrono::milliseconds timeout);

  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

// One request on a fresh connection to 127.0.0.1:port; status 0 when the connection failed or
// no answer came within `timeout`.
http_reply http_call(uint16_t port, std::string_view method, std::string_view target,
                     std::string_view body = {}, std::string_view content_type = "application/json",
                     const http_headers& headers = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline http_reply http_get(uint16_t port, std::string_view target, const http_headers& headers = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return http_call(port, "GET", target, {}, {}, headers, timeout);
}
inline http_reply http_post(uint16_t port, std::string_view target, std::string_view body,
                            std::string_view content_type = "application/json",
                            const http_headers& headers = {}) {
  return http_call(port, "POST", target, body, content_type, headers);
}
inline http_reply post_json(uint16_t port, std::string_view target, std::string_view body) {
  return http_post(port, target, body);
}

}  // namespace odin::test
