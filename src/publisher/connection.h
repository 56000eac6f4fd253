#pragma once
// One HTTP/1.1 connection of the publisher (keep-alive): reads a request, answers it, reads
// the next. The header is checked before the body is read (404, 405, 415, 413 by
// Content-Length, "Expect: 100-continue" answered), then the body (at most max_body_bytes);
// the whole request must arrive within request_timeout (else 408 and close). POST /events
// answers only when the bus has answered for every event: the records go to the producer
// and the answer is written from the batch's completion, posted back to this connection's
// strand — no I/O thread waits for the bus.
// Routing, answers and error bodies come from src/http (one table for both servers); the
// POST /events flow is in connection_events.cc. Lives on its strand; kept alive by its
// pending handlers.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/error_reply.h"
#include "http/listener.h"
#include "publisher/publish_batch.h"
#include "publisher/publish_claims.h"
#include "publisher/replies.h"
#include "publisher/server_context.h"

namespace odin::publisher {

class connection : public std::enable_shared_from_this<connection> {
 public:
  // `on`: which routes this socket's listener serves (the admin port, ADMIN_ADDR).
  connection(server_context& ctx, boost::asio::ip::tcp::socket socket,
             http::listener on = http::listener::both);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void start();
  // Over the connection limit: 503 and close.
  void refuse_busy();

 private:
  using status = boost::beast::http::status;
  using error_code = boost::system::error_code;

  void read_request();
  void on_header(const error_code& ec);
  void read_body();
  void on_body(const error_code& ec);
  void on_deadline(const error_code& ec);
  void on_read_error(const error_code& ec);
  void check_header();
  bool authorized();
  void dispatch();
  void post_events();
  std::optional<answer> claim_keys(publish_claims& claims,
                                   const std::vector<prepared_event>& events, publish_batch& batch);
  std::optional<answer> fail_fast(std::size_t events);
  void publish(const std::shared_ptr<publish_batch>& batch, std::vector<prepared_event> events,
               publish_claims claims);
  void on_published(const std::shared_ptr<publish_batch>& batch, bool timed_out);
  void respond_answer(const answer& a);
  static simdjson::dom::parser& json_parser();  // one per thread
  void respond(http::reply r, bool close, std::string_view content_type = "application/json");
  void respond_error(http::errc e, std::string_view code, std::string_view message, bool close);
  void on_written(const error_code& ec, bool last);
  void linger_close();
  void drain();

  server_context& ctx_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  boost::asio::steady_timer deadline_;   // the whole-request deadline
  boost::asio::steady_timer ack_timer_;  // ack_timeout of the batch in flight
  http::listener listener_;
  std::shared_ptr<publish_batch> batch_;  // the batch this connection waits for
  std::string_view route_ = "other";      // metrics label of the current request
  bool reading_ = false;
  bool timed_out_ = false;
  bool replayed_ = false;       // the next answer is a replay (Idempotent-Replayed: true)
  std::string_view challenge_;  // the WWW-Authenticate value of a 401 ("": none)
  std::size_t drained_ = 0;
  std::array<char, 4096> scratch_{};  // bytes read and dropped while closing
};

}  // namespace odin::publisher
