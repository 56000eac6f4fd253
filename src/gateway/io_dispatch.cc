#include "gateway/io_dispatch.h"

#include <boost/asio/post.hpp>

namespace odin::gateway {
namespace asio = boost::asio;

io_dispatch::io_dispatch(dispatcher& disp, bus::consumer& consumer, asio::io_context& io)
    : disp_(disp), consumer_(consumer), io_(io), timer_(io) {}

bool io_dispatch::start() {
  if (!consumer_.set_notify([this] { schedule(); })) return false;
  started_ = true;
  schedule();  // whatever arrived before the hook
  arm_timer();
  return true;
}

void io_dispatch::stop() {
  if (stopped_.exchange(true, std::memory_order_acq_rel)) return;
  if (started_) consumer_.set_notify({});
}

// The flag is cleared by the turn before it polls (acq_rel on both sides, as in
// shard_inbox): a signal after the clear posts a new turn, one before it is seen by this poll.
void io_dispatch::schedule() {
  if (!scheduled_.exchange(true, std::memory_order_acq_rel)) asio::post(io_, [this] { turn(); });
}

void io_dispatch::turn() {
  scheduled_.exchange(false, std::memory_order_acq_rel);
  if (stopped_.load(std::memory_order_acquire)) return;
  if (disp_.run_once(std::chrono::milliseconds(0)) >= dispatcher::max_batch) schedule();
}

void io_dispatch::arm_timer() {
  timer_.expires_after(safety_interval);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_.load(std::memory_order_acquire)) return;
    schedule();
    arm_timer();
  });
}

}  // namespace odin::gateway
