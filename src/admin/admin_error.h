#pragma once
// What an admin call (Kafka Admin API, schema registry) can fail with: a kind to branch on
// and a message for a human that already names the brokers/registry and what to check.
#include <string>
#include <string_view>

#include "common/result.h"

namespace odin::admin {

enum class admin_errc {
  timed_out,         // no answer within the timeout
  transport,         // cannot connect / connection lost
  broker,            // the broker or registry answered with an error
  invalid_argument,  // bad input (URL, property)
  protocol,          // an answer we could not understand
};

std::string_view to_string(admin_errc code);

struct admin_error {
  admin_errc code;
  std::string message;
};

template <class T>
using admin_result = result<T, admin_error>;

}  // namespace odin::admin
