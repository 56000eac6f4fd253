#pragma once
// `--protocol odin`: events {"type":"event","channel":..,"seq":..,"ts":..,"data":..}; a
// "subscribed" reply confirms a request, an "error" reply is a refused request.
#include "loadtest/envelope_parser.h"
#include "loadtest/protocol_adapter.h"

namespace odin::loadtest {

class odin_adapter final : public protocol_adapter {
 public:
  bool on_message(std::string_view payload, std::size_t readable, std::string& carry,
                  message_sink& sink) override;

 private:
  envelope_parser parser_;
};

}  // namespace odin::loadtest
