// Fuzzes POST /events ingest: a body of arbitrary bytes through publisher::ingest::prepare
// (simdjson parse, both event forms, schema validation of every event type in schemas/).
// Besides the sanitizers, it checks:
// - an accepted body gives 1..max_batch events, each a valid token and a record value that is
//   a JSON object naming the same type and token, with an integer timestamp;
// - a record value is a fixed point: prepared again (it is the flat form), it gives itself;
// - strict mode accepts exactly the accepted bodies without unknown fields;
// - a refusal has a known code and status, a message, and renders as a JSON reply;
// - preparing is deterministic (the parser is reused, as on a connection).
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_require.h"
#include "model/channel.h"
#include "model/event_type.h"
#include "publisher/ingest.h"
#include "publisher/replies.h"
#include "schema/event_schemas.h"

namespace {

using namespace odin;

constexpr std::size_t max_batch = 8;
constexpr int64_t now_ms = 1732280000123;

using ::odin::fuzz::require;

const schema::event_schemas& schemas() {
  static const schema::event_schemas s;
  return s;
}

simdjson::dom::parser& parser() {
  static simdjson::dom::parser p;
  return p;
}

simdjson::dom::parser& check_parser() {
  static simdjson::dom::parser p;
  return p;
}

void check_event(const publisher::prepared_event& e, const publisher::ingest& plain) {
  require(static_cast<bool>(model::validate_token(e.token)), "invalid token accepted");
  require(e.event_id.size() <= publisher::max_event_id_bytes, "eventId too long");
  simdjson::dom::object o;
  require(!check_parser().parse(e.value).get(o), "record value is not a JSON object");
  std::string_view type, token;
  require(!o["type"].get(type) && type == model::to_string(e.type), "record type");
  require(!o["tokenId"].get(token) && token == e.token, "record tokenId");
  int64_t ts = 0;
  require(!o["timestamp"].get(ts), "record timestamp is not an integer");
  // The flat form in, the same record out.
  const std::string value = e.value;
  auto again = plain.prepare(value, now_ms + 1, parser());
  require(static_cast<bool>(again), "a record value is refused as a body");
  require(again.value().size() == 1 && again.value()[0].value == value,
          "a record value is not a fixed point");
}

const std::set<std::string_view> codes = {"invalid_json", "invalid_body", "empty_batch",
                                          "batch_too_large", "invalid_events"};

void check_error(const publisher::ingest_error& e) {
  require(e.status == 400 || e.status == 413, "status");
  require((e.status == 413) == (e.code == "batch_too_large"), "413 iff batch_too_large");
  require(codes.contains(e.code), "unknown code");
  require(!e.message.empty(), "empty message");
  if (e.code == "invalid_events") {
    require(!e.events.empty() && e.events.size() <= publisher::max_listed_events, "events");
    require(e.invalid_count >= e.events.size(), "invalid_count");
    for (const auto& ev : e.events) {
      require(ev.index < max_batch, "event index");
      require(!ev.errors.empty(), "an invalid event without violations");
    }
  }
  simdjson::dom::element reply;
  require(!check_parser().parse(publisher::ingest_error_body(e)).get(reply), "reply JSON");
}

void run(std::string_view body) {
  static const publisher::ingest plain(schemas(), max_batch);
  static const publisher::ingest strict(schemas(), max_batch, true);
  const std::string copy(body);  // prepare() may be handed any buffer; keep ours intact
  auto r = plain.prepare(copy, now_ms, parser());
  auto s = strict.prepare(copy, now_ms, parser());
  if (!r) {
    check_error(r.error());
    require(!s, "strict accepted what plain refused");
    auto again = plain.prepare(copy, now_ms, parser());
    require(!again && again.error().code == r.error().code &&
                again.error().message == r.error().message,
            "not deterministic (error)");
    return;
  }
  const auto events = r.value();
  require(!events.empty() && events.size() <= max_batch, "batch size");
  bool unknown = false;
  for (const auto& e : events) unknown = unknown || !e.unknown_fields.empty();
  require(static_cast<bool>(s) == !unknown, "strict disagrees with unknown_fields");
  if (s) {
    require(s.value().size() == events.size(), "strict batch size");
    for (std::size_t i = 0; i < events.size(); ++i) {
      require(s.value()[i].value == events[i].value, "strict value differs");
    }
  }
  for (const auto& e : events) check_event(e, plain);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return -1;
  run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
