#include "publisher/replies.h"

#include <fmt/format.h>

#include "common/json_escape.h"
#include "http/error_reply.h"

namespace odin::publisher {
namespace {

void append_field(std::string& out, std::string_view name) {
  append_json_string(out, name);
  out += ':';
}

void append_text(std::string& out, std::string_view name, std::string_view value) {
  append_field(out, name);
  append_json_string(out, value);
}

template <class Number>
void append_number(std::string& out, std::string_view name, Number value) {
  append_field(out, name);
  fmt::format_to(std::back_inserter(out), "{}", value);
}

void append_violations(std::string& out, const std::vector<schema::violation>& errors) {
  out += '[';
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ',';
    out += '{';
    append_text(out, "pointer", errors[i].pointer);
    out += ',';
    append_text(out, "message", errors[i].message);
    out += '}';
  }
  out += ']';
}

void append_outcome(std::string& out, std::string_view topic, const record_outcome& o) {
  out += '{';
  append_text(out, "topic", topic);
  switch (o.st) {
    case record_outcome::state::published:
      out += ',';
      append_number(out, "partition", o.where.partition);
      out += ',';
      append_number(out, "offset", o.where.offset);
      out += R"(,"outcome":"published")";
      break;
    case record_outcome::state::failed:
      out += R"(,"outcome":"failed",)";
      append_text(out, "error", bus_error_code(o.error));
      out += ',';
      append_text(out, "message", bus::describe(o.error));
      break;
    case record_outcome::state::pending:
      out += R"(,"outcome":"unknown",)";
      append_text(out, "message",
                  "no answer from the bus yet: it may still be published (retry only with the "
                  "same Idempotency-Key or eventId)");
      break;
  }
  if (o.duplicate) out += R"(,"duplicate":true)";
  out += '}';
}

}  // namespace

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // a continuation byte
  return s.substr(0, n);
}

std::string error_body(std::string_view code, std::string_view message) {
  return http::error_body(code, message);
}

std::string ingest_error_body(const ingest_error& e) {
  std::string out = error_body(e.code, e.message);
  if (e.code != "invalid_events") return out;
  out.pop_back();
  out += ',';
  append_number(out, "invalid", e.invalid_count);
  out += R"(,"events":[)";
  for (std::size_t i = 0; i < e.events.size(); ++i) {
    if (i > 0) out += ',';
    out += '{';
    append_number(out, "index", e.events[i].index);
    out += R"(,"errors":)";
    append_violations(out, e.events[i].errors);
    out += '}';
  }
  out += "]}";
  return out;
}

answer publish_answer(const model::topic_map& topics, const std::vector<model::event_type>& types,
                      const std::vector<record_outcome>& outcomes, bool timed_out,
                      std::chrono::milliseconds ack_timeout) {
  std::size_t published = 0, failed = 0;
  std::optional<bus::bus_error> first_error;
  for (const record_outcome& o : outcomes) {
    if (o.st == record_outcome::state::published) ++published;
    if (o.st == record_outcome::state::failed) {
      ++failed;
      if (!first_error) first_error = o.error;
    }
  }
  std::string results = "[";
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (i > 0) results += ',';
    append_outcome(results, topics.topic_of(types[i]), outcomes[i]);
  }
  results += ']';
  if (published == outcomes.size()) {
    return {202, fmt::format(R"({{"accepted":{},"results":{}}})", published, results)};
  }
  const std::size_t unknown = outcomes.size() - published - failed;
  const bool deadline = timed_out && unknown > 0;
  std::string out =
      deadline ? error_body("ack_timeout",
                            fmt::format("the bus did not acknowledge every event within {} ms "
                                        "(PUBLISHER_ACK_TIMEOUT)",
                                        ack_timeout.count()))
               : error_body("bus_unavailable",
                            bus::describe(first_error.value_or(bus::bus_error::internal)));
  out.pop_back();
  out += fmt::format(
      R"(,"published":{},"failed":{},"unknown":{},"hint":"retry the events whose outcome is )"
      R"(\"failed\"; an \"unknown\" one may still be published: retry it only with the same )"
      R"(Idempotency-Key or eventId","results":{}}})",
      published, failed, unknown, results);
  return {deadline ? 504 : 503, std::move(out), 1};
}

answer bus_down_answer(const bus::producer_health& health) {
  std::string out = error_body(
      "bus_down",
      fmt::format("the bus is unreachable ({}) since {}; nothing was published: "
                  "retry later",
                  health.reason.empty() ? "disconnected" : health.reason, iso8601(health.since)));
  out.pop_back();
  out += fmt::format(R"(,"since":{}}})", epoch_ms(health.since));
  return {503, std::move(out), 1};
}

answer queue_full_answer(std::size_t queued, std::size_t events, std::size_t watermark) {
  return {503,
          error_body("queue_full",
                     fmt::format("{} events are waiting for the bus; {} more would pass the high "
                                 "watermark of {} (PUBLISHER_QUEUE_HIGH_WATERMARK); nothing was "
                                 "published: retry later",
                                 queued, events, watermark)),
          1};
}

answer in_flight_answer(std::string_view what, long event_index) {
  std::string out = error_body(
      "idempotency_key_in_flight",
      fmt::format("a request with this {} is still being published; nothing was published now: "
                  "retry after it has been answered",
                  what));
  if (event_index >= 0) {
    out.pop_back();
    out += fmt::format(R"(,"index":{}}})", event_index);
  }
  return {409, std::move(out), 1};
}

answer unauthorized_answer(bool credentials_given, bool control) {
  const std::string_view message =
      credentials_given
          ? "the API key is not valid: send one of the publisher's keys (PUBLISHER_API_KEYS) as "
            "Authorization: Bearer <key>"
          : "this endpoint needs an API key: send Authorization: Bearer <key> with one of the "
            "publisher's keys (PUBLISHER_API_KEYS)";
  return {
      401,
      control ? control_error_body("unauthorized", message) : error_body("unauthorized", message),
      0};
}

void append_simulator(std::string& out, const sim::stats& sim) {
  out += fmt::format(
      R"({{"running":{},"rate":{},"tokens":{},"produced":{},"delivered":{},"failed":{},)"
      R"("skipped":{}}})",
      sim.running, sim.rate, sim.tokens, sim.produced, sim.delivered, sim.failed, sim.skipped);
}

int64_t epoch_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// docs/plan.md's getStats() names and types first (errors: a number; startTime: epoch ms; uptime:
// ms; messagesPerSecond: published / uptime), then ours under new names.
std::string stats_body(const publish_stats& stats, const sim::stats& sim) {
  const double uptime_s = stats.uptime_seconds();
  std::string out = "{";
  append_number(out, "messagesPublished", stats.messages_published());
  out += ',';
  append_number(out, "messagesFailed", stats.messages_failed());
  out += ',';
  append_number(out, "errors", stats.error_count());
  out += ',';
  append_number(out, "startTime", epoch_ms(stats.start_time()));
  out += R"(,"byTopic":{)";
  for (model::kind k : model::all_kinds) {
    if (k != model::all_kinds.front()) out += ',';
    append_number(out, stats.topics().topic_of(k), stats.published_to(k));
  }
  out += "},";
  append_number(out, "uptime", static_cast<int64_t>(uptime_s * 1000));
  out += ',';
  const double average =
      uptime_s > 0 ? static_cast<double>(stats.messages_published()) / uptime_s : 0;
  append_number(out, "messagesPerSecond", std::round(average * 100) / 100);
  out += ',';
  append_number(out, "messagesPerSecondRecent",
                std::round(stats.messages_per_second() * 100) / 100);
  out += R"(,"recentErrors":[)";
  const auto errors = stats.recent_errors();
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, errors[i]);
  }
  out += "],";
  append_text(out, "startTimeIso", iso8601(stats.start_time()));
  out += ',';
  append_number(out, "requestsRefused", stats.requests_refused());
  out += ',';
  append_number(out, "eventsRefused", stats.events_refused());
  out += R"(,"simulator":)";
  append_simulator(out, sim);
  out += '}';
  return out;
}

std::string health_body(const publish_stats& stats, const bus::producer_health& health) {
  std::string out = R"({"status":"healthy",)";
  append_number(out, "uptime", static_cast<int64_t>(stats.uptime_seconds() * 1000));
  out += ',';
  append_text(out, "publisher", health.connected ? "connected" : "disconnected");
  if (!health.connected) {
    out += ',';
    append_text(out, "reason", health.reason);
    out += ',';
    append_number(out, "since", epoch_ms(health.since));
    out += ',';
    append_text(out, "sinceIso", iso8601(health.since));
  }
  out += ',';
  append_number(out, "queued", health.queued);
  out += '}';
  return out;
}

std::string control_body(std::string_view message, const sim::stats& sim) {
  std::string out = R"({"success":true,)";
  append_text(out, "message", message);
  out += R"(,"simulator":)";
  append_simulator(out, sim);
  out += '}';
  return out;
}

std::string control_error_body(std::string_view code, std::string_view message) {
  std::string out = R"({"success":false,)";
  append_text(out, "error", code);
  out += ',';
  append_text(out, "message", message);
  out += '}';
  return out;
}

}  // namespace odin::publisher
