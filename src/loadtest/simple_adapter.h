#pragma once
// `--protocol simple` (bench/peers/README.md): events {"channel":..,"seq":..,"ts":..,"data":..};
// {"subscribed":N} confirms the subscribe message, {"error":".."} refuses it.
#include "loadtest/envelope_parser.h"
#include "loadtest/protocol_adapter.h"

namespace odin::loadtest {

class simple_adapter final : public protocol_adapter {
 public:
  bool on_message(std::string_view payload, std::size_t readable, std::string& carry,
                  message_sink& sink) override;

 private:
  envelope_parser parser_;
};

}  // namespace odin::loadtest
