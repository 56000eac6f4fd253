#pragma once
// `--protocol nats`: the NATS client protocol over WebSocket. The server's stream is a
// sequence of protocol lines (INFO, MSG <subject> <sid> [reply] <#bytes> + payload, PING,
// PONG, +OK, -ERR) that WebSocket frames may cut anywhere, so a partial line waits in the
// connection's `carry`. A MSG on odin.token.{TOKEN}.{kind} is an event of channel
// "{TOKEN}.{kind}" whose JSON payload carries "seq" and "ts" (bench/peers/nats_publisher.js).
// PING is answered with PONG; a PONG confirms the SUBs (they were sent before our PING).
#include <cstddef>
#include <string_view>

#include "loadtest/envelope_parser.h"
#include "loadtest/protocol_adapter.h"

namespace odin::loadtest {

class nats_adapter final : public protocol_adapter {
 public:
  bool on_message(std::string_view payload, std::size_t readable, std::string& carry,
                  message_sink& sink) override;

 private:
  // Handles complete operations at the front of `in`; returns the bytes consumed, or
  // npos on a protocol error.
  std::size_t consume(std::string_view in, std::size_t readable, message_sink& sink);
  bool on_msg(std::string_view subject, std::string_view payload, std::size_t readable,
              message_sink& sink);

  envelope_parser parser_;
};

}  // namespace odin::loadtest
