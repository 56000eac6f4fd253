#include "gateway/session_services.h"

#include "gateway/private_channel.h"
#include "gateway/session.h"
#include "gateway/shard.h"

namespace odin::gateway {

namespace {
constexpr std::size_t read_buffer_bytes = 64 * 1024;
}  // namespace

session_services::session_services(shard& owner, context& ctx, boost::asio::io_context& io)
    : owner_(owner),
      ctx_(ctx),
      io_(io),
      read_buffer_(read_buffer_bytes),
      deflater_(ctx.opts.compression_level) {}

void session_services::build_deflated(shard_frame& sf) {
  sf.deflate = shard_frame::deflate_state::plain;
  const frame& f = *sf.f;
  if (f.payload().size() < ctx_.opts.compression_min_bytes) return;
  if (!deflater_.compress_frame(f.payload(), sf.deflated)) return sf.deflated.clear();
  if (sf.deflated.size() >= f.size()) return sf.deflated.clear();  // did not shrink
  sf.deflate = shard_frame::deflate_state::built;
  stats_.compressed_frames.add();
  stats_.compression_bytes_in.add(f.size());
  stats_.compression_bytes_out.add(sf.deflated.size());
}

protocol::ws::inflate_status session_services::inflate(std::string_view compressed,
                                                       std::string_view& out) {
  const auto status = inflater_.inflate_message(compressed, ctx_.opts.max_message_bytes, inflated_);
  if (status == protocol::ws::inflate_status::ok) stats_.inflated_messages.add();
  out = inflated_;
  return status;
}

bool session_services::subscribe(session& s, std::string_view channel, bool latest) {
  const bool fresh = s.channels_.insert(channel);
  if (fresh) {
    index_.add(s.index_key(channel, key_), &s);
    stats_.subscriptions.add(1);
  }
  if (latest) {
    s.latest_.insert(channel);
  } else {
    s.latest_.erase(channel);
  }
  return fresh;
}

bool session_services::unsubscribe(session& s, std::string_view channel) {
  if (!s.channels_.erase(channel)) return false;
  s.latest_.erase(channel);
  index_.remove(s.index_key(channel, key_), &s);
  stats_.subscriptions.add(-1);
  return true;
}

void session_services::unsubscribe_all(session& s) {
  for (const std::string& channel : s.channels_) index_.remove(s.index_key(channel, key_), &s);
  stats_.subscriptions.add(-static_cast<int64_t>(s.channels_.size()));
  s.channels_.clear();
  s.latest_.clear();
}

void session_services::change_identity(session& s, identity next) {
  std::vector<std::string_view> moved;  // private channels: their key depends on the identity
  for (const std::string& name : s.channels_) {
    if (is_private_channel(name)) moved.push_back(name);
  }
  for (std::string_view name : moved) index_.remove(s.index_key(name, key_), &s);
  s.identity_ = std::move(next);
  for (std::string_view name : moved) index_.add(s.index_key(name, key_), &s);
}

void session_services::retire(session* s) {
  owner_.remove_session(s);
}

}  // namespace odin::gateway
