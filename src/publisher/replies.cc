#include "publisher/replies.h"

#include <fmt/format.h>

#include "protocol/client_protocol.h"

namespace odin::publisher {
namespace {

using protocol::append_json_string;

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
      break;
    case record_outcome::state::failed:
      out += ',';
      append_text(out, "error", bus_error_code(o.error));
      out += ',';
      append_text(out, "message", bus::describe(o.error));
      break;
    case record_outcome::state::pending:
      out += ',';
      append_text(out, "error", "pending");
      out += ',';
      append_text(out, "message", "no answer from the bus yet: it may still be published");
      break;
  }
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
  std::string out = "{";
  append_text(out, "error", code);
  out += ',';
  append_text(out, "message", message);
  out += '}';
  return out;
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
  const std::size_t pending = outcomes.size() - published - failed;
  std::string out =
      timed_out && pending > 0
          ? error_body("ack_timeout",
                       fmt::format("the bus did not answer for every event within {} ms",
                                   ack_timeout.count()))
          : error_body("bus_unavailable",
                       bus::describe(first_error.value_or(bus::bus_error::internal)));
  out.pop_back();
  out += fmt::format(
      R"(,"published":{},"failed":{},"pending":{},"hint":"retry the events whose result has )"
      R"(an \"error\"; a \"pending\" one may still be published","results":{}}})",
      published, failed, pending, results);
  return {503, std::move(out)};
}

void append_simulator(std::string& out, const sim::stats& sim) {
  out += fmt::format(
      R"({{"running":{},"rate":{},"tokens":{},"produced":{},"delivered":{},"failed":{},)"
      R"("skipped":{}}})",
      sim.running, sim.rate, sim.tokens, sim.produced, sim.delivered, sim.failed, sim.skipped);
}

std::string stats_body(const publish_stats& stats, const sim::stats& sim) {
  std::string out = "{";
  append_number(out, "messagesPublished", stats.messages_published());
  out += ',';
  append_number(out, "messagesFailed", stats.messages_failed());
  out += R"(,"errors":[)";
  const auto errors = stats.recent_errors();
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, errors[i]);
  }
  out += "],";
  append_number(out, "errorCount", stats.error_count());
  out += ',';
  append_text(out, "startTime", iso8601(stats.start_time()));
  out += R"(,"byTopic":{)";
  for (model::kind k : model::all_kinds) {
    if (k != model::all_kinds.front()) out += ',';
    append_number(out, stats.topics().topic_of(k), stats.published_to(k));
  }
  out += "},";
  append_number(out, "uptime", std::round(stats.uptime_seconds() * 1000) / 1000);
  out += ',';
  append_number(out, "messagesPerSecond", std::round(stats.messages_per_second() * 100) / 100);
  out += R"(,"simulator":)";
  append_simulator(out, sim);
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
