#pragma once
// Values the gateway forwards (docs/protocol.md §6): an event object whose `type` belongs to
// the record's kind and whose `tokenId` is the key. `body` is carried verbatim in it.
#include <string>
#include <string_view>

#include "model/event_type.h"

namespace odin::gateway::test {

// The first event type of `kind` (TRADE_EXECUTED for trade ...).
inline std::string_view first_type_of(model::kind kind) {
  for (model::event_type t : model::all_event_types()) {
    if (model::kind_of(t) == kind) return model::to_string(t);
  }
  return "?";
}

inline std::string event_value(model::kind kind, std::string_view token, std::string_view body) {
  std::string out = R"({"type":")";
  out.append(first_type_of(kind)).append(R"(","tokenId":")").append(token);
  out.append(R"(","timestamp":1700000000000,"body":)").append(body).append("}");
  return out;
}

}  // namespace odin::gateway::test
