#pragma once
// The JSON bodies of the publisher's answers (compact, UTF-8). Every error body has the form
// {"error":"<snake_case code>","message":"<human text>", ...details}.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "model/topic_map.h"
#include "publisher/ingest.h"
#include "publisher/publish_batch.h"
#include "publisher/publish_stats.h"
#include "sim/simulator.h"

namespace odin::publisher {

// http::error_body (one form for every server's errors).
std::string error_body(std::string_view code, std::string_view message);

// At most `max_bytes` of the UTF-8 text `s`, never cutting a character in two (for quoting
// senders' input in messages).
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

// 400/413 for a refused POST /events body; invalid_events lists the events and their
// violations: {"error":"invalid_events","message":..,"invalid":N,"events":[{"index":0,
// "errors":[{"pointer":"/data/price","message":".."}]}]}.
std::string ingest_error_body(const ingest_error& e);

struct answer {
  int status = 200;
  std::string body;
  int retry_after = 0;  // seconds; > 0 adds a Retry-After header
};

// The answer to POST /events once the bus has spoken (or ack_timeout passed, `timed_out`):
// 202 {"accepted":N,"results":[{"topic":..,"partition":..,"offset":..,"outcome":"published"}]}
// when every event was published; else, with "published", "failed", "unknown" counts, a
// "hint" and one result per event in request order ("outcome": published / failed / unknown):
// 504 "ack_timeout" when some are still unknown at the deadline, 503 "bus_unavailable"
// (message: bus::describe of the first failure) when some failed. A result of a repeated
// eventId has "duplicate":true.
answer publish_answer(const model::topic_map& topics, const std::vector<model::event_type>& types,
                      const std::vector<record_outcome>& outcomes, bool timed_out,
                      std::chrono::milliseconds ack_timeout);

// 503 "bus_down" (nothing enqueued): the producer is disconnected since `since`.
answer bus_down_answer(const bus::producer_health& health);
// 503 "queue_full" (nothing enqueued): `queued` + `events` would pass `watermark`.
answer queue_full_answer(std::size_t queued, std::size_t events, std::size_t watermark);
// 409 "idempotency_key_in_flight": the first request with this key (or an event with this
// eventId, `event_index` >= 0) has not finished yet.
answer in_flight_answer(std::string_view what, long event_index);

// 401 "unauthorized" for POST /events and POST /control when API keys are configured and the
// request has no `Authorization: Bearer <key>` (`credentials_given` false) or a key that is
// not one of them. /control answers in its own form ({"success":false,...}).
answer unauthorized_answer(bool credentials_given, bool control);

// GET /stats: docs/plan.md's fields with the plan's types — messagesPublished, messagesFailed,
// errors (a count), startTime (epoch ms), byTopic, uptime (ms), messagesPerSecond (published
// / uptime) — then messagesPerSecondRecent (last 5 s), recentErrors (the last 10, text),
// startTimeIso, simulator.
std::string stats_body(const publish_stats& stats, const sim::stats& sim);

// GET /health: {"status":"healthy","uptime":<ms>,"publisher":"connected"}; when the producer is
// disconnected "publisher":"disconnected" with "reason" and "since" (epoch ms, and sinceIso);
// always "queued" (records not yet acknowledged).
std::string health_body(const publish_stats& stats, const bus::producer_health& health);

int64_t epoch_ms(std::chrono::system_clock::time_point t);

// The "simulator" object of /stats and /control answers.
void append_simulator(std::string& out, const sim::stats& sim);

// POST /control: {"success":true,"message":..,"simulator":{..}}.
std::string control_body(std::string_view message, const sim::stats& sim);
// POST /control refused: {"success":false,"error":..,"message":..}.
std::string control_error_body(std::string_view code, std::string_view message);

}  // namespace odin::publisher
