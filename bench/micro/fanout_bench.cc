// Fanning one frame out to N subscribers of a shard, without sockets: the subscription index
// lookup, the per-shard frame holder, one outbound_queue push per subscriber, then per
// subscriber the flush bookkeeping (gather the iovecs, consume them as written). The real
// shard/session need an io_context and sockets (src/gateway/shard.h, session.h), so this drives
// the same pieces they call (subscription_index, shard_frame_pool, outbound_queue) directly.
// BM_flush_writev adds the syscall: one writev per subscriber of `frames` queued frames to
// /dev/null, to show what batching frames per write saves.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "gateway/frame.h"
#include "gateway/outbound_queue.h"
#include "gateway/shard_frame.h"
#include "gateway/subscription_index.h"
#include "sim/event_factory.h"

namespace {

using namespace odin::gateway;

struct subscriber {
  explicit subscriber(shard_frame_pool& pool) : queue(pool) {}
  outbound_queue queue;
};

struct fanout_fixture {
  explicit fanout_fixture(std::size_t n) {
    odin::sim::rng gen(1);
    data =
        odin::sim::make_event(odin::model::event_type::trade_executed, "HOT", 1732280000123, gen);
    for (std::size_t i = 0; i < n; ++i) {
      subs.push_back(std::make_unique<subscriber>(pool));
      index.add("HOT.trade", subs.back().get());
      index.add("COLD" + std::to_string(i) + ".trade", subs.back().get());
    }
  }
  frame* render(uint64_t seq) {
    event_fields e;
    e.token = "HOT";
    e.kind = odin::model::kind::trade;
    e.seq = seq;
    e.ts_us = 1732280000123456;
    e.data = data;
    return render_event(e, 1);
  }
  // What shard::deliver does, minus accepts() (always true today).
  void deliver(frame* f) {
    const auto subscribers = index.subscribers(f->channel());
    shard_frame* sf = pool.adopt(f);
    for (subscriber* s : subscribers) {
      pool.hold(sf);
      s->queue.push(sf);
    }
    pool.drop(sf);
  }
  std::string data;
  shard_frame_pool pool;
  subscription_index<subscriber> index;
  std::vector<std::unique_ptr<subscriber>> subs;
};

void BM_fanout_one_frame(benchmark::State& state) {
  fanout_fixture fx(static_cast<std::size_t>(state.range(0)));
  std::array<iovec, 64> iov;
  uint64_t seq = 1;
  for (auto _ : state) {
    fx.deliver(fx.render(seq++));
    for (auto& s : fx.subs) {  // the flush, as if every write succeeded
      std::size_t total = 0;
      s->queue.gather(iov.data(), iov.size(), total);
      s->queue.consume(total);
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));  // deliveries
}
BENCHMARK(BM_fanout_one_frame)->Arg(1)->Arg(100)->Arg(1000)->Arg(10000);

void BM_flush_writev(benchmark::State& state) {
  const std::size_t n = 1000;
  const auto frames = static_cast<std::size_t>(state.range(0));
  fanout_fixture fx(n);
  const int fd = ::open("/dev/null", O_WRONLY);
  std::array<iovec, 64> iov;
  uint64_t seq = 1;
  for (auto _ : state) {
    for (std::size_t k = 0; k < frames; ++k) fx.deliver(fx.render(seq++));
    for (auto& s : fx.subs) {
      std::size_t total = 0;
      const std::size_t count = s->queue.gather(iov.data(), iov.size(), total);
      const ssize_t w = ::writev(fd, iov.data(), static_cast<int>(count));
      s->queue.consume(w > 0 ? static_cast<std::size_t>(w) : 0);
    }
  }
  ::close(fd);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n * frames));  // deliveries
}
BENCHMARK(BM_flush_writev)->Arg(1)->Arg(4)->Arg(16)->Arg(64);

}  // namespace
