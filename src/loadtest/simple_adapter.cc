#include "loadtest/simple_adapter.h"

namespace odin::loadtest {

bool simple_adapter::on_message(std::string_view payload, std::size_t readable, std::string&,
                                message_sink& sink) {
  envelope e;
  if (!parser_.parse(payload, readable, e)) return false;
  if (e.has_channel && e.has_seq && e.has_ts) {
    sink.on_event({e.channel, e.seq, e.ts_us, {}, false, std::nullopt});
  } else if (e.has_subscribed) {
    sink.on_confirmation();
  } else if (e.has_error) {
    sink.on_request_error();
  } else {
    sink.on_reply();
  }
  return true;
}

}  // namespace odin::loadtest
