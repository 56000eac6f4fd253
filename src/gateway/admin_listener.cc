#include "gateway/admin_listener.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <stdexcept>
#include <string>

#include <boost/asio/post.hpp>

#include "gateway/http_connection.h"
#include "gateway/shard.h"

namespace odin::gateway {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

admin_listener::admin_listener(shard& owner, const tcp::endpoint& endpoint)
    : shard_(owner), acceptor_(owner.io()), retry_(owner.io()) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    throw std::runtime_error("gateway: cannot listen on the admin address (WS_ADMIN_ADDR) " +
                             endpoint.address().to_string() + ":" +
                             std::to_string(endpoint.port()) + ": " + ec.message());
  }
}

void admin_listener::start() {
  do_accept();
}

void admin_listener::close() {
  asio::post(shard_.io(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  });
}

void admin_listener::do_accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (!acceptor_.is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {
      spdlog::warn("gateway: accept failed on the admin address: {}", ec.message());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](const boost::system::error_code& e) {
        if (!e) do_accept();
      });
      return;
    }
    std::make_shared<http_connection>(shard_, std::move(socket), http::listener::admin_port)
        ->start();
    do_accept();
  });
}

}  // namespace odin::gateway
