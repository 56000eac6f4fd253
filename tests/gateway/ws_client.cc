#include "gateway/ws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace odin::gateway::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

http_reply http_get(uint16_t port, std::string_view target, std::chrono::milliseconds timeout) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::empty_body> req{http::verb::get, std::string(target), 11};
  req.set(http::field::host, "127.0.0.1");
  http::response<http::string_body> res;
  http_reply out;
  stream.expires_after(timeout);
  stream.async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        if (ec) return;
        http::async_write(stream, req, [&](beast::error_code ec2, std::size_t) {
          if (ec2) return;
          http::async_read(stream, buffer, res, [&](beast::error_code ec3, std::size_t) {
            if (ec3) return;
            out.status = static_cast<int>(res.result_int());
            out.body = res.body();
            out.content_type = std::string(res[http::field::content_type]);
          });
        });
      });
  io.run_for(timeout + 1s);
  return out;
}

ws_client::ws_client(uint16_t port, int receive_buffer) : port_(port), ws_(io_) {
  if (receive_buffer > 0) {
    ws_.next_layer().open(tcp::v4());
    ws_.next_layer().set_option(asio::socket_base::receive_buffer_size(receive_buffer));
  }
  ws_.read_message_max(64 * 1024 * 1024);
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
    if (kind == websocket::frame_type::pong) pongs_.emplace_back(payload);
  });
}

ws_client::~ws_client() {
  beast::error_code ec;
  ws_.next_layer().close(ec);
}

template <class Start>
bool ws_client::run(Start start, std::chrono::milliseconds timeout) {
  bool done = false;
  start(done);
  io_.restart();
  io_.run_for(timeout);
  if (done) return true;
  beast::error_code ec;
  ws_.next_layer().cancel(ec);
  io_.restart();
  io_.run_for(1s);
  return false;
}

int ws_client::connect(std::string_view target, std::chrono::milliseconds timeout) {
  int status = 0;
  websocket::response_type res;
  run(
      [&](bool& done) {
        ws_.next_layer().async_connect(
            tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), [&](beast::error_code ec) {
              if (ec) {
                done = true;
                return;
              }
              ws_.async_handshake(res, "127.0.0.1", std::string(target), [&](beast::error_code) {
                status = static_cast<int>(res.result_int());
                done = true;
              });
            });
      },
      timeout);
  return status;
}

bool ws_client::send_text(std::string_view text, std::chrono::milliseconds timeout) {
  bool ok = false;
  ws_.text(true);
  run(
      [&](bool& done) {
        ws_.async_write(asio::buffer(text.data(), text.size()),
                        [&](beast::error_code ec, std::size_t) {
                          ok = !ec;
                          done = true;
                        });
      },
      timeout);
  return ok;
}

bool ws_client::send_binary(std::string_view data, std::chrono::milliseconds timeout) {
  bool ok = false;
  ws_.binary(true);
  run(
      [&](bool& done) {
        ws_.async_write(asio::buffer(data.data(), data.size()),
                        [&](beast::error_code ec, std::size_t) {
                          ok = !ec;
                          done = true;
                        });
      },
      timeout);
  ws_.text(true);
  return ok;
}

bool ws_client::send_raw(std::string_view bytes, std::chrono::milliseconds timeout) {
  bool ok = false;
  run(
      [&](bool& done) {
        asio::async_write(ws_.next_layer(), asio::buffer(bytes.data(), bytes.size()),
                          [&](beast::error_code ec, std::size_t) {
                            ok = !ec;
                            done = true;
                          });
      },
      timeout);
  return ok;
}

ws_message ws_client::read(std::chrono::milliseconds timeout) {
  ws_message out;
  out.what = ws_message::kind::timeout;
  run(
      [&](bool& done) {
        ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) {
          done = true;
          if (ec == websocket::error::closed) {
            out.what = ws_message::kind::closed;
            out.close_code = ws_.reason().code;
          } else if (ec) {
            out.what = ws_message::kind::error;
            out.error = ec.message();
          } else {
            out.what = ws_.got_text() ? ws_message::kind::text : ws_message::kind::binary;
            out.payload = beast::buffers_to_string(buffer_.data());
          }
          buffer_.consume(buffer_.size());
        });
      },
      timeout);
  return out;
}

std::optional<std::string> ws_client::read_text(std::chrono::milliseconds timeout) {
  ws_message m = read(timeout);
  if (m.what != ws_message::kind::text) return std::nullopt;
  return std::move(m.payload);
}

std::vector<std::string> ws_client::read_until(std::string_view last, bool& complete,
                                               std::chrono::milliseconds timeout) {
  std::vector<std::string> out;
  complete = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    ws_message m = read(std::max(left, std::chrono::milliseconds(1)));
    if (m.what != ws_message::kind::text) break;
    if (m.payload == last) {
      complete = true;
      break;
    }
    out.push_back(std::move(m.payload));
  }
  return out;
}

bool ws_client::close(uint16_t code, std::chrono::milliseconds timeout) {
  bool ok = false;
  run(
      [&](bool& done) {
        ws_.async_close(websocket::close_reason(code), [&](beast::error_code ec) {
          ok = !ec;
          done = true;
        });
      },
      timeout);
  return ok;
}

}  // namespace odin::gateway::test
