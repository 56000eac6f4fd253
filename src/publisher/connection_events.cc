// connection's POST /events flow: validate, claim idempotency keys, fail fast when the bus
// cannot take it, publish, answer from the batch's completion (see connection.h).
#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <boost/asio/dispatch.hpp>

#include "publisher/connection.h"
#include "publisher/replies.h"

namespace odin::publisher {
namespace asio = boost::asio;
using http::errc;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An Idempotency-Key: 1..255 printable ASCII characters without spaces (Stripe's limit); it
// travels in record headers and logs.
bool valid_key(std::string_view key) {
  return !key.empty() && key.size() <= 255 &&
         std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 127; });
}

}  // namespace

simdjson::dom::parser& connection::json_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

void connection::post_events() {
  const auto& req = parser_->get();
  const std::string& body = req.body();
  if (body.empty()) {
    return respond_error(errc::bad_request, "empty_body",
                         "POST /events needs a JSON body: one event or an array of events", false);
  }
  if (ctx_.stopping.load()) {
    return respond_error(errc::service_unavailable, "shutting_down",
                         "the publisher is shutting down; nothing was published", true);
  }
  std::string key;
  if (auto h = req.find("Idempotency-Key"); h != req.end()) {
    key = std::string(h->value());
    if (!valid_key(key)) {
      return respond_error(errc::bad_request, "invalid_idempotency_key",
                           "Idempotency-Key must be 1 to 255 printable ASCII characters without "
                           "spaces (a UUID is a good choice)",
                           false);
    }
  }
  auto prepared = ctx_.ingester.prepare(body, now_ms(), json_parser());
  if (!prepared) {
    const ingest_error& e = prepared.error();
    return respond({static_cast<status>(e.status), ingest_error_body(e), {}}, false);
  }
  std::vector<prepared_event> events = std::move(prepared).value();
  std::vector<model::event_type> types;
  types.reserve(events.size());
  for (const prepared_event& e : events) {
    types.push_back(e.type);
    if (!e.unknown_fields.empty()) ctx_.unknown.count(e.type, e.unknown_fields);
  }
  auto batch = std::make_shared<publish_batch>(std::move(types));
  publish_claims claims{ctx_.idempotency, key.empty() ? std::string() : "r:" + key, {}};
  if (auto refused = claim_keys(claims, events, *batch)) return respond_answer(*refused);
  if (auto refused = fail_fast(events.size())) {
    claims.release_all();
    return respond_answer(*refused);
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    prepared_event& e = events[i];
    e.idempotency_header = !e.event_id.empty() ? e.event_id
                           : !key.empty()      ? fmt::format("{}/{}", key, i)
                                               : std::string();
  }
  publish(batch, std::move(events), std::move(claims));
}

// The Idempotency-Key and the eventIds of a request: a repeat of a finished one is replayed
// (request key) or skipped (eventId); one still in flight is 409. Claims what is new.
std::optional<answer> connection::claim_keys(publish_claims& claims,
                                             const std::vector<prepared_event>& events,
                                             publish_batch& batch) {
  if (!claims.request_key.empty()) {
    idempotency_store::lookup l = ctx_.idempotency->claim(claims.request_key);
    if (l.state == idempotency_store::seen::in_flight) {
      claims.request_key.clear();  // not ours
      return in_flight_answer("Idempotency-Key", -1);
    }
    if (l.state == idempotency_store::seen::done) {
      claims.request_key.clear();
      replayed_ = true;
      return answer{l.first.status, std::move(l.first.body), 0};
    }
  }
  claims.event_keys.assign(events.size(), std::string());
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].event_id.empty()) continue;
    std::string id = "e:" + events[i].event_id;
    idempotency_store::lookup l = ctx_.idempotency->claim(id);
    if (l.state == idempotency_store::seen::in_flight) {
      claims.release_all();
      return in_flight_answer("eventId", static_cast<long>(i));
    }
    if (l.state == idempotency_store::seen::done) {
      batch.skip(i, l.first.event);
      continue;
    }
    claims.event_keys[i] = std::move(id);
  }
  return std::nullopt;
}

// 503 at once, nothing enqueued, while the producer is disconnected or its queue is high.
std::optional<answer> connection::fail_fast(std::size_t events) {
  const bus::producer_health health = ctx_.producer.health();
  if (!health.connected) {
    ctx_.producer.refused(publish_stats::refusal::bus_down, events);
    return bus_down_answer(health);
  }
  if (health.queued + events > ctx_.opts.queue_high_watermark) {
    ctx_.producer.refused(publish_stats::refusal::queue_full, events);
    return queue_full_answer(health.queued, events, ctx_.opts.queue_high_watermark);
  }
  return std::nullopt;
}

void connection::publish(const std::shared_ptr<publish_batch>& batch,
                         std::vector<prepared_event> events, publish_claims claims) {
  batch_ = batch;
  ctx_.in_flight.fetch_add(1);
  ack_timer_.expires_after(ctx_.opts.ack_timeout);
  ack_timer_.async_wait([self = shared_from_this(), b = batch](const error_code& ec) {
    if (!ec) self->on_published(b, true);
  });
  // Runs on a bus thread (or right here for the embedded bus): records the outcome for the
  // idempotency keys (even when this connection is gone), then hops to this strand.
  auto on_done = [gate = ctx_.gate, weak = weak_from_this(), b = std::weak_ptr(batch),
                  topics = ctx_.producer.stats().topics(), ack_timeout = ctx_.opts.ack_timeout,
                  claims = std::move(claims)]() mutable {
    if (auto batch = b.lock()) claims.settle(topics, *batch, ack_timeout);
    gate->post([weak, b] {
      auto self = weak.lock();
      if (!self) return;
      asio::dispatch(self->stream_.get_executor(),
                     [self, b] { self->on_published(b.lock(), false); });
    });
  };
  batch->start(ctx_.producer, std::move(events), std::move(on_done));
}

void connection::on_published(const std::shared_ptr<publish_batch>& batch, bool timed_out) {
  if (!batch || batch != batch_) return;  // answered already (ack_timeout) or stale
  batch_.reset();
  ack_timer_.cancel();
  ctx_.in_flight.fetch_sub(1);
  respond_answer(publish_answer(ctx_.producer.stats().topics(), batch->types(), batch->outcomes(),
                                timed_out, ctx_.opts.ack_timeout));
}

void connection::respond_answer(const answer& a) {
  http::reply r{static_cast<status>(a.status), a.body, {}};
  if (a.retry_after > 0) r.set("Retry-After", std::to_string(a.retry_after));
  respond(std::move(r), false);
}

}  // namespace odin::publisher
