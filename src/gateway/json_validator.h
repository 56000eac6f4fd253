#pragma once
// Is a record value well-formed JSON? simdjson's DOM parser validates the whole document; the
// input is copied into a reused padded buffer (simdjson reads past the end), so validation
// allocates nothing once the buffers have grown to the largest record. One per thread.
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace odin::gateway {

class json_validator {
 public:
  bool valid(std::string_view text);

 private:
  simdjson::dom::parser parser_;
  std::vector<char> buffer_;
};

}  // namespace odin::gateway
