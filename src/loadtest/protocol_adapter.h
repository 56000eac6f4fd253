#pragma once
// How the load tester speaks to a server once the WebSocket is open: `odin` (docs/protocol.md),
// `nats` (the NATS text protocol over WebSocket, subjects odin.token.{TOKEN}.{kind}) and
// `simple` (the peers' tiny JSON protocol, bench/peers/README.md). The subscribe messages come
// from subscription_plan; an adapter turns received messages into events and replies.
// One adapter per I/O thread (it holds a JSON parser); per-connection state lives in `carry`.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "loadtest/options.h"

namespace odin::loadtest {

struct event_view {
  std::string_view channel;  // "TOKEN.kind"
  uint64_t seq = 0;
  int64_t ts_us = 0;
  std::string_view pos;   // odin: the event's stream position (empty for the other protocols)
  bool balances = false;  // odin: a balances channel's event (balance_check.h)
  std::optional<std::string_view> user;  // then: its data.userId, when present
};

class message_sink {
 public:
  virtual void on_event(const event_view& e) = 0;
  virtual void on_confirmation() = 0;  // a reply that confirms one subscribe request
  // odin: a subscribed reply's "recovered" (channels true / false), right before its
  // on_confirmation().
  virtual void on_recovered(uint32_t recovered, uint32_t not_recovered) = 0;
  virtual void on_reply() = 0;  // any other non-event message
  virtual void on_request_error() = 0;
  virtual void send_text(std::string_view text) = 0;  // e.g. NATS PONG

 protected:
  ~message_sink() = default;
};

class protocol_adapter {
 public:
  virtual ~protocol_adapter() = default;
  // One complete WebSocket data message. `readable` bytes may be read from payload.data()
  // (>= payload.size()). `carry` is the connection's state (NATS: a partial protocol line).
  // False: the message could not be understood.
  virtual bool on_message(std::string_view payload, std::size_t readable, std::string& carry,
                          message_sink& sink) = 0;
};

std::unique_ptr<protocol_adapter> make_adapter(protocol_kind kind);

}  // namespace odin::loadtest
