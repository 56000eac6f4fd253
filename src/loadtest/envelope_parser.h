#pragma once
// Reads the few top-level fields the load tester needs from a JSON message ("type", "channel",
// "seq", "ts", "pos", "subscribed", "recovered", "error", "code") with simdjson On-Demand, stopping
// at "data" (not parsed, except the "userId" of a balances channel's event: balance_check.h).
// One parser per I/O thread; views stay valid until the next parse().
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace odin::loadtest {

struct envelope {
  std::string_view type;
  std::string_view channel;
  uint64_t seq = 0;
  int64_t ts_us = 0;
  std::string_view pos;                  // empty when absent
  bool balances = false;                 // "channel" is a balances channel and "data" followed it
  std::optional<std::string_view> user;  // then: data.userId, when present
  uint32_t recovered_true = 0;           // "recovered" of a subscribed reply: channels true / false
  uint32_t recovered_false = 0;
  bool has_channel = false;
  bool has_seq = false;
  bool has_ts = false;
  bool has_subscribed = false;
  bool has_error = false;  // "error" or "code" present
};

class envelope_parser {
 public:
  envelope_parser();
  ~envelope_parser();
  envelope_parser(const envelope_parser&) = delete;
  envelope_parser& operator=(const envelope_parser&) = delete;

  // `readable`: bytes that may be read from json.data() (simdjson reads up to 64 past the
  // end; when fewer are readable the message is copied first). False: not a JSON object.
  bool parse(std::string_view json, std::size_t readable, envelope& out);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace odin::loadtest
