// session: who the connection is (the upgrade's token, replaced by `auth` messages), when its
// token runs out (close 4001), and what that identity may read of private channels.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "gateway/private_channel.h"
#include "gateway/session.h"
#include "gateway/session_services.h"

namespace odin::gateway {
namespace ws = protocol::ws;

namespace {
constexpr uint16_t token_expired = 4001;
}  // namespace

bool session::may_subscribe_private() const {
  if (shard_.ctx().opts.auth.public_balances) return true;
  return identity_.authenticated && (identity_.admin || !identity_.sub.empty());
}

bool session::restricted(std::string_view channel) const {
  return !shard_.ctx().opts.auth.public_balances && !identity_.admin && is_private_channel(channel);
}

std::string_view session::index_key(std::string_view channel, std::string& scratch) const {
  if (!restricted(channel)) return channel;
  return user_key(scratch, channel, identity_.sub);
}

bool session::may_read(const frame& f) const {
  if (!restricted(f.channel())) return true;
  return !f.owner().empty() && f.owner() == identity_.sub;
}

// `{"type":"auth","token":"..."}`: a token that verifies and names the same user replaces the
// identity (a refresh); anything else leaves it as it was, with an error reply.
void session::apply_auth(const protocol::request& req) {
  const auth::jwt_verifier* verifier = shard_.ctx().verifier.get();
  if (verifier == nullptr) {  // as a server without `auth`: clients keep the token for later
    return reply_error(protocol::error_code::unknown_type,
                       "\"auth\": tokens are not checked on this server (WS_AUTH=off)",
                       req.id_json);
  }
  auto verified = verifier->verify(req.token);
  if (!verified) {
    const auth::jwt_error& e = verified.error();
    return reply_error(protocol::error_code::unauthorized,
                       fmt::format("token refused: {}", auth::jwt_errc_name(e.code)), req.id_json);
  }
  identity next = identity_of(verified.value());
  if (identity_.authenticated && next.sub != identity_.sub) {
    return reply_error(protocol::error_code::forbidden,
                       "this connection belongs to another user (the token's sub differs); "
                       "open a new connection to switch users",
                       req.id_json);
  }
  const int64_t exp = next.exp;
  shard_.change_identity(*this, std::move(next));
  arm_expiry();
  send_owned(ws::make_frame(ws::opcode::text, protocol::render_authenticated(exp, req.id_json)));
}

// Closes with 4001 at exp + leeway unless an `auth` moved exp on (this re-arms the timer).
void session::arm_expiry() {
  if (!identity_.authenticated || identity_.exp == 0) return;
  const context& ctx = shard_.ctx();
  const int64_t left = identity_.exp + ctx.opts.auth.jwt.leeway.count() - ctx.now_seconds();
  if (!expiry_timer_) expiry_timer_ = std::make_unique<boost::asio::steady_timer>(shard_.io());
  expiry_timer_->expires_after(std::chrono::seconds(std::max<int64_t>(left, 0)));
  expiry_timer_->async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->state_ != state::open) return;
    // A refresh that raced the timer re-armed it: check the clock again.
    const context& c = self->shard_.ctx();
    if (self->identity_.exp + c.opts.auth.jwt.leeway.count() > c.now_seconds()) {
      return self->arm_expiry();
    }
    spdlog::debug("gateway: {} token expired (sub {}), closing with 4001", self->peer_,
                  self->identity_.sub);
    self->close(token_expired, "token expired", false);
  });
}

}  // namespace odin::gateway
