#include "support/ws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace odin::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

ws_client::ws_client(const std::string& host, uint16_t port, const std::string& target)
    : ws_(ioc_) {
  tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(host, std::to_string(port));
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws_).connect(results);
  beast::get_lowest_layer(ws_).expires_never();
  ws_.handshake(host + ":" + std::to_string(port), target);
}

ws_client::~ws_client() {
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().close(ec);
}

void ws_client::start_read() {
  if (reading_ || closed_) return;
  reading_ = true;
  ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
    reading_ = false;
    if (ec) {
      closed_ = true;
      close_code_ = ws_.reason().code;
      return;
    }
    inbox_.push_back(beast::buffers_to_string(buffer_.data()));
    buffer_.clear();
  });
}

bool ws_client::run_until(const bool& flag, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!flag && std::chrono::steady_clock::now() < deadline) {
    ioc_.restart();
    ioc_.run_one_until(deadline);
  }
  return flag;
}

void ws_client::send_text(const std::string& text) {
  ws_.text(true);
  bool done = false;
  ws_.async_write(asio::buffer(text), [&](beast::error_code, std::size_t) { done = true; });
  run_until(done, std::chrono::seconds(10));
}

void ws_client::send_binary(const std::string& data) {
  ws_.binary(true);
  bool done = false;
  ws_.async_write(asio::buffer(data), [&](beast::error_code, std::size_t) { done = true; });
  run_until(done, std::chrono::seconds(10));
}

std::optional<std::string> ws_client::read(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (inbox_.empty() && !closed_ && std::chrono::steady_clock::now() < deadline) {
    start_read();
    ioc_.restart();
    ioc_.run_one_until(deadline);
  }
  if (inbox_.empty()) return std::nullopt;
  std::string msg = std::move(inbox_.front());
  inbox_.pop_front();
  return msg;
}

std::optional<std::string> ws_client::request(const std::string& text,
                                              std::chrono::milliseconds timeout) {
  send_text(text);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto msg = read(std::max(left, std::chrono::milliseconds(1)));
    if (!msg) return std::nullopt;
    if (msg->find("\"type\":\"event\"") == std::string::npos) return msg;
  }
  return std::nullopt;
}

bool ws_client::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    read(std::max(left, std::chrono::milliseconds(1)));
  }
  return closed_;
}

http_reply http_get(uint16_t port, const std::string& target) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {static_cast<int>(res.result_int()), res.body()};
}

}  // namespace odin::test
