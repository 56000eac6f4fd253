#include "publisher/server.h"

#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/thread_name.h"
#include "http/listener.h"
#include "publisher/connection.h"
#include "publisher/metered_producer.h"
#include "publisher/server_context.h"
#include "sim/thread_priority.h"

namespace odin::publisher {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

metered_producer* as_metered(bus::producer& p) {
  return dynamic_cast<metered_producer*>(&p);
}

}  // namespace

struct server::impl {
  impl(options o, bus::producer& producer, sim::simulator& simulator,
       const model::topic_map& topics, std::shared_ptr<prometheus::Registry> registry)
      : registry_(registry ? std::move(registry) : std::make_shared<prometheus::Registry>()),
        own_meter_(as_metered(producer)
                       ? nullptr
                       : std::make_unique<metered_producer>(producer, topics, registry_)),
        ioc_(std::make_unique<asio::io_context>()),
        gate_(std::make_shared<dispatch_gate>(*ioc_)),
        ctx_(o, own_meter_ ? *own_meter_ : *as_metered(producer), simulator, registry_, gate_),
        strand_(asio::make_strand(*ioc_)),
        acceptor_(std::in_place, *strand_) {}

  ~impl() { stop(); }

  void start();
  uint16_t bind(tcp::acceptor& a, const std::string& host, uint16_t port, std::string_view what);
  void accept(tcp::acceptor& a, http::listener on);
  void log_access() const;
  void stop();

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<metered_producer> own_meter_;
  std::unique_ptr<asio::io_context> ioc_;
  std::shared_ptr<dispatch_gate> gate_;
  server_context ctx_;
  std::optional<asio::strand<asio::io_context::executor_type>> strand_;  // the acceptor's
  std::optional<tcp::acceptor> acceptor_;
  std::optional<tcp::acceptor> admin_acceptor_;  // PUBLISHER_ADMIN_ADDR
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  uint16_t admin_port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

uint16_t server::impl::bind(tcp::acceptor& a, const std::string& host, uint16_t port,
                            std::string_view what) {
  try {
    const tcp::endpoint ep(asio::ip::make_address(host), port);
    a.open(ep.protocol());
    a.set_option(asio::socket_base::reuse_address(true));
    a.bind(ep);
    a.listen(asio::socket_base::max_listen_connections);
    return a.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(fmt::format("publisher: cannot listen on {}{}:{}: {}", what, host,
                                         port, e.code().message()));
  }
}

void server::impl::start() {
  const options& o = ctx_.opts;
  port_ = bind(*acceptor_, o.host, o.port, "");
  const bool admin = !o.admin_host.empty();
  if (admin) {
    admin_acceptor_.emplace(*strand_);
    admin_port_ = bind(*admin_acceptor_, o.admin_host, o.admin_port,
                       "the admin address (PUBLISHER_ADMIN_ADDR) ");
    accept(*admin_acceptor_, http::listener::admin_port);
  }
  accept(*acceptor_, admin ? http::listener::public_port : http::listener::both);
  const unsigned n = std::max(1u, o.io_threads);
  for (unsigned i = 0; i < n; ++i)
    threads_.emplace_back([this, background = o.background_priority] {
      name_this_thread("odin-pub-http");
      if (background) sim::lower_current_thread_priority();
      ioc_->run();
    });
  started_ = true;
  spdlog::info("publisher: HTTP API on {}:{} ({} I/O threads); {}", o.host, port_, n,
               o.strict_schemas
                   ? "strict schemas: events with undeclared fields are refused"
                   : "undeclared event fields are passed through (PUBLISHER_STRICT_SCHEMAS=false)");
  if (admin) {
    spdlog::info(
        "publisher: admin listener on {}:{} (GET /metrics, /health); the API port {} "
        "serves no /metrics",
        o.admin_host, admin_port_, port_);
  } else {
    spdlog::info("publisher: GET /metrics on the API port {} (no PUBLISHER_ADMIN_ADDR)", port_);
  }
  log_access();
}

void server::impl::log_access() const {
  const options& o = ctx_.opts;
  if (!o.api_keys.empty()) {
    spdlog::info(
        "publisher: POST /events and POST /control need an API key ({} configured; "
        "Authorization: Bearer <key>)",
        o.api_keys.size());
  } else if (acceptor_->local_endpoint().address().is_loopback()) {
    spdlog::warn(
        "publisher: no API key is configured, so it listens on {} only; set "
        "PUBLISHER_API_KEYS (or PUBLISHER_API_KEYS_FILE) to accept publishers from "
        "other hosts, or PUBLISHER_ALLOW_ANONYMOUS=true to open it to anyone",
        o.host);
  } else {
    spdlog::warn(
        "publisher: no API key (PUBLISHER_ALLOW_ANONYMOUS={}): anyone who reaches "
        "{}:{} may POST /events and /control; set PUBLISHER_API_KEYS to require one",
        o.allow_anonymous, o.host, port_);
  }
}

void server::impl::accept(tcp::acceptor& a, http::listener on) {
  a.async_accept(asio::make_strand(*ioc_), [this, &a, on](const boost::system::error_code& ec,
                                                          tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !a.is_open()) return;
    if (ec) {
      spdlog::warn("publisher: accept failed: {}", ec.message());
      // Out of descriptors, say: pause briefly (a timer per wait:
      // both acceptors may be waiting).
      auto t = std::make_shared<asio::steady_timer>(*strand_, std::chrono::milliseconds(100));
      t->async_wait([this, &a, on, t](const boost::system::error_code& e) {
        if (!e && a.is_open()) accept(a, on);
      });
      return;
    }
    const bool busy = ctx_.connections.load() >= ctx_.opts.max_connections;
    auto c = std::make_shared<connection>(ctx_, std::move(socket), on);
    if (busy) {
      c->refuse_busy();
    } else {
      c->start();
    }
    accept(a, on);
  });
}

void server::impl::stop() {
  if (stopped_) return;
  stopped_ = true;
  ctx_.stopping.store(true);
  if (!started_) return;
  asio::post(*strand_, [this] {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    if (admin_acceptor_) admin_acceptor_->close(ignored);
  });
  const auto deadline = std::chrono::steady_clock::now() + ctx_.opts.shutdown_timeout;
  while (ctx_.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (const std::size_t left = ctx_.in_flight.load()) {
    spdlog::warn("publisher: {} requests still waiting for the bus at shutdown; closing them",
                 left);
  }
  gate_->close();
  ioc_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  // Destroying the io_context destroys the pending handlers and with them the connections
  // (closing their sockets). They use ctx_, so this happens here, while ctx_ is alive; the
  // I/O objects go before their io_context.
  acceptor_.reset();
  admin_acceptor_.reset();
  strand_.reset();
  ioc_.reset();
  spdlog::info("publisher: stopped");
}

server::server(options opts, bus::producer& producer, sim::simulator& simulator,
               const model::topic_map& topics, std::shared_ptr<prometheus::Registry> registry)
    : impl_(std::make_unique<impl>(std::move(opts), producer, simulator, topics,
                                   std::move(registry))) {}

server::~server() {
  stop();
}

void server::start() {
  impl_->start();
}

uint16_t server::port() const {
  return impl_->port_;
}

uint16_t server::admin_port() const {
  return impl_->admin_port_;
}

void server::stop() {
  impl_->stop();
}

const publish_stats& server::stats() const {
  return impl_->ctx_.producer.stats();
}

}  // namespace odin::publisher
