#include "support/http_client.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace odin::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string request_text(std::string_view method, std::string_view target, std::string_view body,
                         std::string_view content_type, const http_headers& headers) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  if (!content_type.empty()) out.append("Content-Type: ").append(content_type).append("\r\n");
  for (const auto& [name, value] : headers)
    out.append(name).append(": ").append(value).append("\r\n");
  if (!body.empty() || method == "POST") {
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  out.append("\r\n").append(body);
  return out;
}

raw_client::raw_client(uint16_t port) : stream_(ioc_) {
  stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

raw_client::~raw_client() {
  beast::error_code ignored;
  stream_.socket().close(ignored);
}

bool raw_client::run(const bool& done, std::chrono::milliseconds timeout) {
  ioc_.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    if (ioc_.run_one_until(deadline) == 0 && ioc_.stopped()) break;
  }
  const bool finished = done;
  if (!finished) {
    stream_.cancel();
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(1));  // lets the cancelled handlers finish
  }
  return finished;
}

bool raw_client::send(std::string_view bytes) {
  bool done = false;
  bool ok = false;
  asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                    [&](const beast::error_code& ec, std::size_t) {
                      ok = !ec;
                      done = true;
                    });
  return run(done, std::chrono::seconds(5)) && ok;
}

std::optional<http_reply> raw_client::read_answer(std::chrono::milliseconds timeout) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bool done = false;
  beast::error_code error;
  http::async_read(stream_, buffer_, parser, [&](const beast::error_code& ec, std::size_t) {
    error = ec;
    done = true;
  });
  if (!run(done, timeout) || error) return std::nullopt;
  const auto& res = parser.get();
  http_reply a;
  a.status = static_cast<int>(res.result_int());
  a.body = res.body();
  a.keep_alive = res.keep_alive();
  for (const auto& field : res) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    a.headers[name] = std::string(field.value());
  }
  return a;
}

bool raw_client::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<char, 4096> scratch;
  while (std::chrono::steady_clock::now() < deadline) {
    bool done = false;
    beast::error_code error;
    stream_.async_read_some(asio::buffer(scratch), [&](const beast::error_code& ec, std::size_t) {
      error = ec;
      done = true;
    });
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!run(done, std::max(left, std::chrono::milliseconds(1)))) return false;
    if (error) return true;  // eof or reset: closed
  }
  return false;
}

http_reply http_call(uint16_t port, std::string_view method, std::string_view target,
                     std::string_view body, std::string_view content_type,
                     const http_headers& headers, std::chrono::milliseconds timeout) {
  try {
    raw_client c(port);
    if (!c.send(request_text(method, target, body, content_type, headers))) return {};
    return c.read_answer(timeout).value_or(http_reply{});
  } catch (const boost::system::system_error&) {
    return {};  // nothing listens (yet): no answer
  }
}

}  // namespace odin::test
