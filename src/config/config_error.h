#pragma once
// A setting that stops start-up: the message names the variable (and flag), the bad value
// and what is allowed, e.g. WS_MAX_CONNECTIONS="abc": expected a whole number from 1 to 1000000.
#include <stdexcept>

namespace odin::config {

class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace odin::config
