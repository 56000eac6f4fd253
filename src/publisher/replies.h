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
};

// The answer to POST /events once the bus has spoken (or ack_timeout passed, `timed_out`):
// 202 {"accepted":N,"results":[{"topic":..,"partition":..,"offset":..}]} when every event was
// published; else 503 "bus_unavailable" (message: bus::describe of the first failure) or
// "ack_timeout", with "published", "failed", "pending" counts, a "hint", and one result per
// event, in request order, saying what became of it.
answer publish_answer(const model::topic_map& topics, const std::vector<model::event_type>& types,
                      const std::vector<record_outcome>& outcomes, bool timed_out,
                      std::chrono::milliseconds ack_timeout);

// GET /stats.
std::string stats_body(const publish_stats& stats, const sim::stats& sim);

// The "simulator" object of /stats and /control answers.
void append_simulator(std::string& out, const sim::stats& sim);

// POST /control: {"success":true,"message":..,"simulator":{..}}.
std::string control_body(std::string_view message, const sim::stats& sim);
// POST /control refused: {"success":false,"error":..,"message":..}.
std::string control_error_body(std::string_view code, std::string_view message);

}  // namespace odin::publisher
