// session: "since" recovery and "snapshot" (see catch_up.h for the ordering rules).
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "gateway/recovery_worker.h"
#include "gateway/session.h"
#include "gateway/session_services.h"
#include "model/channel.h"

namespace odin::gateway {
namespace ws = protocol::ws;

namespace {
constexpr std::string_view snapshot_flag = R"(,"snapshot":true)";
}  // namespace

void session::begin_catch_up(const protocol::request& req, std::vector<std::string> names) {
  auto p = std::make_unique<pending_subscribe>();
  p->id_json = req.id_json;
  p->started = std::chrono::steady_clock::now();
  p->channels.resize(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) p->channels[i].name = names[i];
  for (const protocol::since_entry& e : req.since) {
    p->channels[e.channel].since = true;
    p->channels[e.channel].pos = e.pos;
  }
  p->names = std::move(names);
  pending_ = std::move(p);
  for (std::size_t i = 0; i < pending_->channels.size(); ++i) {
    catch_up_channel& c = pending_->channels[i];
    if (c.since) {
      look_up_since(c, i);
    } else if (req.snapshot) {
      look_up_latest(c, i);
    }
  }
  if (pending_->waiting == 0) finish_catch_up();
}

void session::take_snapshot(catch_up_channel& c, frame& f) {
  c.snapshot = render_flagged(f, snapshot_flag);
  c.after = f.offset();
  shard_.stats().snapshots_sent.add();
}

// From the history when it has an event of the channel; else the newest in the bus (recovery
// thread), if there is one within WS_RECOVERY_MAX_EVENTS records of its partition's end.
// A private channel (another user's balances possible) takes the user's own newest event from
// the history only: the bus's newest record of the token may belong to anyone.
void session::look_up_latest(catch_up_channel& c, std::size_t index) {
  const history& hist = shard_.ctx().hist;
  const bool owned = restricted(c.name);
  if (frame* f = owned ? hist.latest_owned(c.name, identity_.sub) : hist.latest(c.name)) {
    take_snapshot(c, *f);
    f->release();
    return;
  }
  if (owned) return;
  recovery_worker* worker = shard_.ctx().recovery;
  const auto channel = model::parse_channel(c.name);
  if (worker == nullptr || !channel) return;  // history only: no snapshot
  c.waiting = true;
  ++pending_->waiting;
  recovery_job job{channel.value().token, {}, true, nullptr};
  job.pos.kind = channel.value().kind;
  job.done = answer_on_shard(index);
  worker->submit(std::move(job));
}

// The recovery thread's answer, handed to this session's shard (if the session still lives).
std::function<void(recovery_result)> session::answer_on_shard(std::size_t index) {
  return [weak = weak_from_this(), io = &shard_.io(), index](recovery_result r) {
    boost::asio::post(*io, [weak, index, r = std::move(r)]() mutable {
      if (auto self = weak.lock()) self->on_recovered(index, std::move(r));
    });
  };
}

// From the history when it holds the position; else from the bus (recovery thread).
void session::look_up_since(catch_up_channel& c, std::size_t index) {
  std::vector<frame*> found;
  switch (shard_.ctx().hist.after(c.name, c.pos.offset, c.pos.check, found)) {
    case history::lookup::found:
      c.recovered = true;
      c.after = found.empty() ? c.pos.offset : found.back()->offset();
      for (frame* f : found) c.replay.emplace_back(f);
      shard_.stats().replayed_memory.add(found.size());
      return;
    case history::lookup::mismatch:
      return;  // another epoch: not recovered
    case history::lookup::unknown:
      break;
  }
  recovery_worker* worker = shard_.ctx().recovery;
  if (worker == nullptr) return;  // history only: not recovered
  c.waiting = true;
  ++pending_->waiting;
  const std::string_view token = std::string_view(c.name).substr(0, c.name.rfind('.'));
  worker->submit({std::string(token), c.pos, false, answer_on_shard(index)});
}

void session::on_recovered(std::size_t index, recovery_result r) {
  if (pending_ == nullptr || state_ != state::open || index >= pending_->channels.size()) return;
  catch_up_channel& c = pending_->channels[index];
  if (!c.waiting) return;
  c.waiting = false;
  if (!c.since) {  // a snapshot from the bus: its newest event, if any
    if (!r.frames.empty() && may_read(*r.frames.front())) take_snapshot(c, *r.frames.front());
  } else {
    c.recovered = r.recovered;
    if (r.recovered) {
      c.after = r.frames.empty() ? c.pos.offset : r.frames.back()->offset();
      shard_.stats().replayed_bus.add(r.frames.size());
      c.replay = std::move(r.frames);
    }
  }
  if (--pending_->waiting == 0) finish_catch_up();
}

bool session::hold_for_catch_up(shard_frame* f) {
  const std::string_view channel = f->f->channel();
  for (catch_up_channel& c : pending_->channels) {
    if (c.name != channel) continue;
    if (over_queue_limit(f->f->size())) return true;  // closed as a slow client
    shard_.pool().hold(f);
    c.live.push_back(f);
    pending_->live_bytes += f->f->size();
    return true;
  }
  return false;
}

bool session::behind_seam(const frame& f) {
  const std::string_view channel = f.channel();
  for (auto it = seams_.begin(); it != seams_.end(); ++it) {
    if (it->first != channel) continue;
    if (f.offset() <= it->second) return true;
    seams_.erase(it);
    return false;
  }
  return false;
}

void session::push_replayed(frame* f) {
  if (!may_read(*f)) return f->release();  // another user's balance: never replayed
  shard_frame* sf = shard_.pool().adopt(f);
  if (state_ != state::open || over_queue_limit(f->size())) return shard_.pool().drop(sf);
  push_event(sf);
}

void session::finish_catch_up() {
  std::unique_ptr<pending_subscribe> p = std::move(pending_);
  std::vector<std::pair<std::string, bool>> recovered;
  for (const catch_up_channel& c : p->channels) {
    if (!c.since) continue;
    recovered.emplace_back(c.name, c.recovered);
    (c.recovered ? shard_.stats().recoveries_recovered : shard_.stats().recoveries_failed).add();
  }
  send_owned(ws::make_frame(ws::opcode::text,
                            recovered.empty()
                                ? protocol::render_subscribed(p->names, p->id_json)
                                : protocol::render_subscribed(p->names, p->id_json, recovered)));
  for (catch_up_channel& c : p->channels) {
    for (frame_ref& f : c.replay) push_replayed(f.release());
    if (!c.snapshot.empty()) send_owned(std::move(c.snapshot));
    for (shard_frame* sf : c.live) {
      if (state_ == state::open && sf->f->offset() > c.after) {
        push_event(sf);  // the holder moves to the queue
      } else {
        shard_.pool().drop(sf);  // a duplicate of a replayed event (or closing)
      }
    }
    c.live.clear();
    if (c.after >= 0) {
      std::erase_if(seams_, [&](const auto& seam) { return seam.first == c.name; });
      seams_.emplace_back(c.name, c.after);
    }
  }
  report_queue_bytes();
  const auto waited = std::chrono::steady_clock::now() - p->started;
  shard_.stats().recovery_latency.observe_us(
      std::chrono::duration_cast<std::chrono::microseconds>(waited).count());
  request_flush();
  while (!deferred_requests_.empty() && pending_ == nullptr && state_ == state::open) {
    const std::string text = std::move(deferred_requests_.front());
    deferred_requests_.pop_front();
    on_text(text);
  }
  if (read_paused_ && pending_ == nullptr && state_ != state::closed) {
    read_paused_ = false;
    do_read();
  }
}

void session::release_catch_up() {
  deferred_requests_.clear();
  if (pending_ == nullptr) return;
  for (catch_up_channel& c : pending_->channels) {
    for (shard_frame* sf : c.live) shard_.pool().drop(sf);
    c.live.clear();
  }
  pending_.reset();
}

}  // namespace odin::gateway
