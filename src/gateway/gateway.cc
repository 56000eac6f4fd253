#include "gateway/gateway.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <boost/asio/ip/address.hpp>

#include "gateway/admin_listener.h"
#include "gateway/context.h"
#include "gateway/dispatcher.h"
#include "gateway/file_limit.h"
#include "gateway/io_dispatch.h"
#include "gateway/io_thread_count.h"
#include "gateway/probe.h"
#include "gateway/recovery_probe.h"
#include "gateway/recovery_worker.h"
#include "gateway/shard.h"
#include "gateway/upgrade_auth.h"

namespace odin::gateway {

struct gateway::impl {
  impl(options o, bus::consumer& c, std::shared_ptr<prometheus::Registry> r)
      : opts(std::move(o)), consumer(c), registry(std::move(r)), ctx(opts, consumer) {
    ctx.render_metrics = [this] { return render_metrics(); };
  }

  void start();
  void start_dispatch(unsigned threads);
  void log_admission() const;
  void stop();
  std::string render_metrics() const;

  options opts;
  bus::consumer& consumer;
  std::shared_ptr<prometheus::Registry> registry;
  context ctx;
  std::vector<std::unique_ptr<shard>> shards;
  bus::replayer* replayer = nullptr;
  std::unique_ptr<recovery_worker> recovery;
  std::unique_ptr<admin_listener> admin;  // WS_ADMIN_ADDR; on shard 0
  uint16_t admin_port = 0;
  std::unique_ptr<dispatcher> disp;
  std::unique_ptr<io_dispatch> on_io;  // the single-shard path; null with a dispatcher thread
  std::unique_ptr<gateway_probe> probe;
  std::unique_ptr<recovery_probe> recovery_metrics;
  mutable std::mutex collectables_mutex;
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables;
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;
};

void gateway::impl::start() {
  if (started) throw std::logic_error("gateway: start() called twice");
  const std::string host = opts.host.empty() ? "0.0.0.0" : opts.host;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("gateway: WS_ADDR host '" + host + "' is not an IP address");
  const io_thread_plan plan =
      resolve_io_threads(opts.io_threads, opts.cgroup_root, opts.proc_self_cgroup);
  const unsigned threads = plan.threads;
  spdlog::info("gateway: {}", plan.describe());

  raise_file_limit_for(opts.max_connections);
  for (unsigned i = 0; i < threads; ++i) shards.push_back(std::make_unique<shard>(i, ctx));
  shards[0]->listen({address, opts.port});
  port = shards[0]->port();
  for (unsigned i = 1; i < threads; ++i) shards[i]->listen({address, port});
  if (!opts.admin_host.empty()) {
    const auto admin_address = boost::asio::ip::make_address(opts.admin_host, ec);
    if (ec) {
      throw std::runtime_error("gateway: WS_ADMIN_ADDR host '" + opts.admin_host +
                               "' is not an IP address");
    }
    admin = std::make_unique<admin_listener>(
        *shards[0], boost::asio::ip::tcp::endpoint(admin_address, opts.admin_port));
    admin_port = admin->port();
    admin->start();
  }

  std::vector<shard_inbox*> inboxes;
  std::vector<const shard_stats*> stats;
  for (auto& s : shards) {
    inboxes.push_back(&s->inbox());
    stats.push_back(&std::as_const(*s).stats());
  }
  disp = std::make_unique<dispatcher>(consumer, std::move(inboxes), &ctx.hist,
                                      opts.idempotency_window, opts.idempotency_max_keys);
  if (replayer != nullptr) {
    recovery = std::make_unique<recovery_worker>(*replayer, opts.recovery_max_events,
                                                 opts.recovery_timeout);
    ctx.recovery = recovery.get();
    recovery->start();
  }
  recovery_metrics = std::make_unique<recovery_probe>(ctx.hist, recovery.get(), stats);
  probe = std::make_unique<gateway_probe>(consumer, disp->stats(), disp->duplicates(),
                                          std::move(stats));

  ctx.guard.sample();  // CPU baseline
  shards[0]->enable_guard_timer();
  start_dispatch(threads);
  for (auto& s : shards) s->start();
  disp->start();  // no thread on the single-shard path
  started = true;
  if (admin) {
    spdlog::info(
        "gateway: listening on {}:{} ({} I/O threads): WebSocket, /health and the page; admin "
        "listener on {}:{}: /metrics, /ready, /health",
        host, port, threads, opts.admin_host, admin_port);
  } else {
    spdlog::info(
        "gateway: listening on {}:{} ({} I/O threads): WebSocket, page, /health, "
        "/ready, /metrics (no WS_ADMIN_ADDR)",
        host, port, threads);
  }
  log_admission();
  const guard_limits& l = ctx.limits;
  spdlog::info(
      "gateway: refusing upgrades above {}% CPU of {} ({}) or {} MiB resident ({}); duplicate "
      "window {} ms, at most {} keys",
      l.cpu_threshold, l.cpu_cores > 0 ? fmt::format("{:.2f} cores", l.cpu_cores) : "the CPUs",
      l.cpu_source, l.memory_bytes >> 20, l.memory_source, opts.idempotency_window.count(),
      opts.idempotency_max_keys);
  spdlog::info("gateway: {}", describe_auth(opts.auth));
  if (opts.compression) {
    spdlog::info(
        "gateway: permessage-deflate offered to clients that ask (WS_COMPRESSION=on): events "
        "of {}+ payload bytes compressed once per I/O thread, zlib level {}, no context takeover",
        opts.compression_min_bytes, opts.compression_level);
  } else {
    spdlog::info("gateway: permessage-deflate not offered (WS_COMPRESSION=off)");
  }
  if (opts.auth.public_balances) {
    spdlog::warn(
        "gateway: WS_PUBLIC_BALANCES=true: every user's balances go to anyone who "
        "subscribes; unset it to keep them private");
  }
  spdlog::info(
      "gateway: history {} events per channel, {} s, {} bytes at most; recovery beyond it {} "
      "(at most {} events, {} ms)",
      opts.history_size, opts.history_ttl.count() / 1000, opts.history_max_bytes,
      replayer != nullptr ? "from the bus" : "off", opts.recovery_max_events,
      opts.recovery_timeout.count());
}

// One shard: the dispatcher's turns run on its I/O thread (io_dispatch.h), when the consumer
// can signal records and WS_DISPATCH is not `thread`. Before the shards start.
void gateway::impl::start_dispatch(unsigned threads) {
  const char* why = nullptr;
  if (threads != 1) {
    why = "one per I/O thread would be more threads, not fewer";
  } else if (opts.dispatch == dispatch_mode::thread) {
    why = "WS_DISPATCH=thread";
  } else {
    on_io = std::make_unique<io_dispatch>(*disp, consumer, shards[0]->io());
    if (on_io->start()) {
      shard* only = shards[0].get();
      disp->deliver_directly(
          [only](std::span<frame* const> f, bool more) { only->drain_frames(f, more); });
      spdlog::info("gateway: 1 I/O thread: dispatch on the I/O thread");
      return;
    }
    on_io.reset();
    why = "the bus consumer cannot signal records";
  }
  spdlog::info("gateway: {} I/O thread{}: dispatcher thread ({})", threads, threads == 1 ? "" : "s",
               why);
}

void gateway::impl::log_admission() const {
  spdlog::info("gateway: browser origins allowed: {}",
               opts.allowed_origins.empty() ? std::string("any (WS_ALLOWED_ORIGINS unset)")
                                            : fmt::format("{} and the page's own host",
                                                          fmt::join(opts.allowed_origins, ", ")));
  spdlog::info(
      "gateway: per client IP: {} connections, {} upgrades/s (burst {})",
      opts.max_connections_per_ip > 0 ? std::to_string(opts.max_connections_per_ip) : "unlimited",
      opts.upgrade_rate_per_ip > 0 ? fmt::format("{}", opts.upgrade_rate_per_ip) : "unlimited",
      opts.upgrade_burst_per_ip > 0 ? fmt::format("{}", opts.upgrade_burst_per_ip) : "= rate");
}

void gateway::impl::stop() {
  if (!started || stopped) return;
  stopped = true;
  const auto deadline = std::chrono::steady_clock::now() + opts.shutdown_timeout;
  std::size_t open = 0;
  for (auto& s : shards) open += s->session_count();
  spdlog::info("gateway: shutting down, closing {} clients with 1001", open);
  ctx.stopping.store(true);
  if (admin) admin->close();
  for (auto& s : shards) s->begin_stop();
  if (on_io) on_io->stop();
  disp->stop();
  if (recovery) recovery->stop();  // waiting clients get "not recovered" (they are closing)
  auto remaining = [this] {
    std::size_t n = 0;
    for (auto& s : shards) n += s->session_count();
    return n;
  };
  while (remaining() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::size_t left = remaining();
  for (auto& s : shards) s->stop_io();
  for (auto& s : shards) s->join();
  admin.reset();  // its acceptor lives on shard 0's io_context
  spdlog::info("gateway: stopped ({} clients did not finish closing in time)", left);
}

std::string gateway::impl::render_metrics() const {
  std::vector<prometheus::MetricFamily> families;
  if (registry) families = registry->Collect();
  if (probe) {
    auto own = probe->Collect();
    std::move(own.begin(), own.end(), std::back_inserter(families));
  }
  if (recovery_metrics) {
    auto own = recovery_metrics->Collect();
    std::move(own.begin(), own.end(), std::back_inserter(families));
  }
  {
    std::lock_guard lock(collectables_mutex);
    for (const auto& weak : collectables) {
      if (auto c = weak.lock()) {
        auto more = c->Collect();
        std::move(more.begin(), more.end(), std::back_inserter(families));
      }
    }
  }
  return prometheus::TextSerializer().Serialize(families);
}

gateway::gateway(options opts, bus::consumer& consumer,
                 std::shared_ptr<prometheus::Registry> registry)
    : impl_(std::make_unique<impl>(std::move(opts), consumer, std::move(registry))) {}

gateway::~gateway() {
  stop();
  impl_->on_io.reset();  // before the shards: its timer lives on shard 0's io_context
  impl_->disp.reset();   // before the shards: it holds their inboxes
  impl_->admin.reset();  // before the shards: it uses shard 0's io_context
  impl_->shards.clear();
}

void gateway::set_replayer(bus::replayer& replayer) {
  impl_->replayer = &replayer;
}

void gateway::start() {
  impl_->start();
}

uint16_t gateway::port() const {
  return impl_->port;
}

uint16_t gateway::admin_port() const {
  return impl_->admin_port;
}

std::size_t gateway::connection_count() const {
  return impl_->ctx.connections.load(std::memory_order_relaxed);
}

void gateway::add_collectable(std::weak_ptr<prometheus::Collectable> c) {
  std::lock_guard lock(impl_->collectables_mutex);
  impl_->collectables.push_back(std::move(c));
}

void gateway::stop() {
  impl_->stop();
}

}  // namespace odin::gateway
