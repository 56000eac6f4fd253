#include "loadtest/odin_adapter.h"

namespace odin::loadtest {

bool odin_adapter::on_message(std::string_view payload, std::size_t readable, std::string&,
                              message_sink& sink) {
  envelope e;
  if (!parser_.parse(payload, readable, e)) return false;
  if (e.type == "event") {
    if (!e.has_channel || !e.has_seq || !e.has_ts) return false;
    sink.on_event({e.channel, e.seq, e.ts_us, e.pos, e.balances, e.user});
  } else if (e.type == "subscribed") {
    if (e.recovered_true + e.recovered_false > 0) {
      sink.on_recovered(e.recovered_true, e.recovered_false);
    }
    sink.on_confirmation();
  } else if (e.type == "error") {
    sink.on_request_error();
  } else {
    sink.on_reply();
  }
  return true;
}

}  // namespace odin::loadtest
