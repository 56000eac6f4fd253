#include "support/ws_client.h"

#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

namespace odin::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

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

ws_client::ws_client(const std::string& host, uint16_t port, std::string_view target)
    : ws_client(port) {
  host_ = host;
  const int status = connect(target, std::chrono::seconds(10));
  if (status != 101) {
    throw std::runtime_error("ws_client: upgrade on " + host + ":" + std::to_string(port) +
                             std::string(target) + " answered " + std::to_string(status));
  }
}

ws_client::~ws_client() {
  beast::error_code ec;
  ws_.next_layer().close(ec);
}

bool ws_client::run_until(const bool& done, milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (!done && steady_clock::now() < deadline) {
    io_.restart();
    io_.run_one_until(deadline);
  }
  if (done) return true;
  beast::error_code ec;
  ws_.next_layer().cancel(ec);
  io_.restart();
  io_.run_for(std::chrono::seconds(1));  // lets the cancelled handlers finish
  return false;
}

void ws_client::offer_deflate() {
  websocket::permessage_deflate pmd;
  pmd.client_enable = true;
  pmd.msg_size_threshold = 0;  // compress every message, however small
  ws_.set_option(pmd);
}

int ws_client::connect(std::string_view target, milliseconds timeout) {
  int status = 0;
  bool done = false;
  websocket::response_type res;
  ws_.next_layer().async_connect(
      tcp::endpoint(asio::ip::make_address(host_), port_), [&](beast::error_code ec) {
        if (ec) {
          done = true;
          return;
        }
        ws_.async_handshake(res, host_, std::string(target), [&](beast::error_code) {
          status = static_cast<int>(res.result_int());
          extensions_ = std::string(res[beast::http::field::sec_websocket_extensions]);
          done = true;
        });
      });
  run_until(done, timeout);
  return status;
}

bool ws_client::send_text(std::string_view text, milliseconds timeout) {
  bool ok = false;
  bool done = false;
  ws_.text(true);
  ws_.async_write(asio::buffer(text.data(), text.size()), [&](beast::error_code ec, std::size_t) {
    ok = !ec;
    done = true;
  });
  return run_until(done, timeout) && ok;
}

bool ws_client::send_binary(std::string_view data, milliseconds timeout) {
  bool ok = false;
  bool done = false;
  ws_.binary(true);
  ws_.async_write(asio::buffer(data.data(), data.size()), [&](beast::error_code ec, std::size_t) {
    ok = !ec;
    done = true;
  });
  const bool finished = run_until(done, timeout);
  ws_.text(true);
  return finished && ok;
}

bool ws_client::send_raw(std::string_view bytes, milliseconds timeout) {
  bool ok = false;
  bool done = false;
  asio::async_write(ws_.next_layer(), asio::buffer(bytes.data(), bytes.size()),
                    [&](beast::error_code ec, std::size_t) {
                      ok = !ec;
                      done = true;
                    });
  return run_until(done, timeout) && ok;
}

void ws_client::start_read() {
  if (reading_ || ended_) return;
  reading_ = true;
  ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
    reading_ = false;
    ws_message m;
    if (ec == websocket::error::closed) {
      m.what = ws_message::kind::closed;
      m.close_code = ws_.reason().code;
    } else if (ec) {
      m.what = ws_message::kind::error;
      m.error = ec.message();
    } else {
      m.what = ws_.got_text() ? ws_message::kind::text : ws_message::kind::binary;
      m.payload = beast::buffers_to_string(buffer_.data());
    }
    buffer_.consume(buffer_.size());
    if (m.what == ws_message::kind::closed || m.what == ws_message::kind::error) {
      ended_ = std::move(m);
    } else {
      inbox_.push_back(std::move(m));
    }
  });
}

ws_message ws_client::read(milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (inbox_.empty() && !ended_ && steady_clock::now() < deadline) {
    start_read();
    io_.restart();
    io_.run_one_until(deadline);
  }
  if (!inbox_.empty()) {
    ws_message m = std::move(inbox_.front());
    inbox_.pop_front();
    return m;
  }
  if (ended_) return *ended_;
  ws_message timed_out;
  timed_out.what = ws_message::kind::timeout;
  return timed_out;
}

std::optional<std::string> ws_client::read_text(milliseconds timeout) {
  ws_message m = read(timeout);
  if (m.what != ws_message::kind::text) return std::nullopt;
  return std::move(m.payload);
}

namespace {
milliseconds left_until(steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
  return std::max(left, milliseconds(1));
}
}  // namespace

std::vector<std::string> ws_client::read_until(std::string_view last, bool& complete,
                                               milliseconds timeout) {
  std::vector<std::string> out;
  complete = false;
  const auto deadline = steady_clock::now() + timeout;
  while (steady_clock::now() < deadline) {
    ws_message m = read(left_until(deadline));
    if (m.what != ws_message::kind::text) break;
    if (m.payload == last) {
      complete = true;
      break;
    }
    out.push_back(std::move(m.payload));
  }
  return out;
}

std::optional<std::string> ws_client::request(std::string_view text, milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  if (!send_text(text, timeout)) return std::nullopt;
  while (steady_clock::now() < deadline) {
    auto msg = read_text(left_until(deadline));
    if (!msg) return std::nullopt;
    if (msg->find("\"type\":\"event\"") == std::string::npos) return msg;
  }
  return std::nullopt;
}

bool ws_client::close(uint16_t code, milliseconds timeout) {
  bool ok = false;
  bool done = false;
  ws_.async_close(websocket::close_reason(code), [&](beast::error_code ec) {
    ok = !ec;
    done = true;
  });
  const bool finished = run_until(done, timeout);
  // A read left pending by a timeout may be the one that receives the server's close frame;
  // Beast then ends the close operation with operation_aborted, but the handshake completed.
  const bool read_took_the_close = ended_ && ended_->what == ws_message::kind::closed;
  return finished && (ok || read_took_the_close);
}

bool ws_client::wait_closed(milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (!ended_ && steady_clock::now() < deadline) read(left_until(deadline));
  return closed();
}

}  // namespace odin::test
