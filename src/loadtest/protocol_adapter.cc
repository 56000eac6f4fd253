#include "loadtest/protocol_adapter.h"

#include "loadtest/nats_adapter.h"
#include "loadtest/odin_adapter.h"
#include "loadtest/simple_adapter.h"

namespace odin::loadtest {

std::unique_ptr<protocol_adapter> make_adapter(protocol_kind kind) {
  switch (kind) {
    case protocol_kind::odin:
      return std::make_unique<odin_adapter>();
    case protocol_kind::nats:
      return std::make_unique<nats_adapter>();
    case protocol_kind::simple:
      return std::make_unique<simple_adapter>();
  }
  return nullptr;
}

}  // namespace odin::loadtest
