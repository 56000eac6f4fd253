#include "admin/admin_error.h"

namespace odin::admin {

std::string_view to_string(admin_errc code) {
  switch (code) {
    case admin_errc::timed_out:
      return "timed out";
    case admin_errc::transport:
      return "transport";
    case admin_errc::broker:
      return "broker";
    case admin_errc::invalid_argument:
      return "invalid argument";
    case admin_errc::protocol:
      return "protocol";
  }
  return "unknown";
}

}  // namespace odin::admin
