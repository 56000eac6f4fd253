#pragma once
// A run that could not be made (no broker answer, missing topic, registry trouble): a message
// for the operator that names what to check. `odin verify` exits 2 with it.
#include <string>

#include "common/result.h"

namespace odin::verify {

struct verify_error {
  std::string message;
};

template <class T>
using verify_result = result<T, verify_error>;

}  // namespace odin::verify
