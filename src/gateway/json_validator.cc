#include "gateway/json_validator.h"

#include <cstring>

namespace odin::gateway {

bool json_validator::valid(std::string_view text) {
  if (text.empty()) return false;
  if (buffer_.size() < text.size() + simdjson::SIMDJSON_PADDING) {
    buffer_.resize(text.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(buffer_.data(), text.data(), text.size());
  std::memset(buffer_.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  simdjson::dom::element root;
  return parser_.parse(buffer_.data(), text.size(), false).get(root) == simdjson::SUCCESS;
}

}  // namespace odin::gateway
