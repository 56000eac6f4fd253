#include "publisher/control.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/json_escape.h"
#include "model/channel.h"

namespace odin::publisher {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

answer refuse(std::string_view code, std::string_view message) {
  return {400, control_error_body(code, message)};
}

std::string shown(element e) {
  const std::string s = simdjson::to_string(e);
  const std::string_view cut = utf8_prefix(s, 64);
  return cut.size() == s.size() ? s : std::string(cut) + "...";
}

bool is_number(element e) {
  const auto t = e.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

// The "tokens" list, or a reason.
result<std::vector<std::string>, std::string> read_tokens(element e) {
  if (e.type() != element_type::ARRAY)
    return failure(std::string("tokens must be an array of token ids"));
  std::vector<std::string> tokens;
  std::size_t i = 0;
  const simdjson::dom::array items = e.get_array().value_unsafe();
  for (element t : items) {
    if (t.type() != element_type::STRING) {
      return failure(fmt::format("tokens[{}] must be a string", i));
    }
    const std::string_view token = t.get_string().value_unsafe();
    if (auto ok = model::validate_token(token); !ok) {
      return failure(fmt::format("tokens[{}]: {}", i, model::describe(ok.error())));
    }
    tokens.emplace_back(token);
    ++i;
  }
  if (tokens.empty())
    return failure(std::string("tokens must not be empty (leave it out for the defaults)"));
  return tokens;
}

answer start(simdjson::dom::object request, sim::simulator& simulator) {
  double rate = simulator.defaults().rate;
  element value;
  if (!request["messagesPerSecond"].get(value)) {
    if (!is_number(value)) {
      return refuse("invalid_rate",
                    fmt::format("messagesPerSecond must be a number, not {}", shown(value)));
    }
    rate = value.get_double().value_unsafe();
  }
  std::vector<std::string> tokens;
  if (!request["tokens"].get(value)) {
    auto read = read_tokens(value);
    if (!read) return refuse("invalid_tokens", read.error());
    tokens = std::move(read).value();
  }
  auto started = simulator.start(rate, std::move(tokens));
  if (started) return {200, control_body("Simulator started", simulator.snapshot())};
  switch (started.error()) {
    case sim::start_error::already_running:
      return {200, control_body("Simulator already running (stop it first to change the rate)",
                                simulator.snapshot())};
    case sim::start_error::bad_rate:
      return refuse("invalid_rate", fmt::format("messagesPerSecond must be above 0 and at most {} "
                                                "(got {})",
                                                sim::max_rate, rate));
    case sim::start_error::no_tokens:
    case sim::start_error::invalid_token:
      return refuse("invalid_tokens", sim::describe(started.error()));
  }
  return refuse("invalid_request", sim::describe(started.error()));
}

}  // namespace

answer handle_control(std::string_view body, sim::simulator& simulator,
                      simdjson::dom::parser& parser) {
  element root;
  if (auto error = parser.parse(body.data(), body.size(), true).get(root)) {
    return refuse("invalid_json",
                  fmt::format("the body is not valid JSON: {}", simdjson::error_message(error)));
  }
  if (root.type() != element_type::OBJECT) {
    return refuse("invalid_body", R"(the body must be an object such as {"action":"stop"})");
  }
  const auto request = root.get_object().value_unsafe();
  element action;
  std::string_view name;
  if (request["action"].get(action) || action.get_string().get(name)) {
    return refuse("invalid_action", R"(Invalid action: "action" must be "start" or "stop")");
  }
  if (name == "start") return start(request, simulator);
  if (name == "stop") {
    const bool was_running = simulator.stop();
    return {200, control_body(was_running ? "Simulator stopped" : "Simulator not running",
                              simulator.snapshot())};
  }
  std::string quoted;
  append_json_string(quoted, utf8_prefix(name, 64));
  return refuse("invalid_action",
                fmt::format(R"(Invalid action: {}; use "start" or "stop")", quoted));
}

}  // namespace odin::publisher
