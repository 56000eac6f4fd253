#include "bus/record.h"

namespace odin::bus {

std::string_view describe(bus_error e) {
  switch (e) {
    case bus_error::timed_out:
      return "the bus did not acknowledge within the delivery timeout";
    case bus_error::queue_full:
      return "the producer queue is full";
    case bus_error::transport:
      return "the brokers are unreachable";
    case bus_error::unknown_topic:
      return "the topic does not exist";
    case bus_error::message_too_large:
      return "the message is larger than the bus accepts";
    case bus_error::closed:
      return "the bus is shutting down";
    case bus_error::internal:
      return "internal bus error";
  }
  return "bus error";
}

}  // namespace odin::bus
