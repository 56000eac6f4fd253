#pragma once
// The gateway's admin listener (WS_ADMIN_ADDR): a second acceptor, on shard 0's io_context,
// whose connections serve only GET /health, /ready and /metrics (http::listener::admin_port);
// no WebSocket, no page. Created before the shards start, closed by close() (any thread)
// before they stop, destroyed before them.
#include <cstdint>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace odin::gateway {

class shard;

class admin_listener {
 public:
  // Binds `endpoint` (throws std::runtime_error with the address and the reason).
  admin_listener(shard& owner, const boost::asio::ip::tcp::endpoint& endpoint);
  admin_listener(const admin_listener&) = delete;
  admin_listener& operator=(const admin_listener&) = delete;

  void start();  // before the shard's thread runs
  void close();  // any thread: posted to the shard
  uint16_t port() const { return port_; }

 private:
  void do_accept();

  shard& shard_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  uint16_t port_ = 0;
};

}  // namespace odin::gateway
