#include "model/token_pool.h"

#include <fmt/format.h>

namespace odin::model {

std::vector<std::string> token_pool(std::size_t n) {
  std::vector<std::string> tokens;
  tokens.reserve(n);
  for (std::size_t i = 1; i <= n; ++i) tokens.push_back(fmt::format("T{:04}", i));
  return tokens;
}

}  // namespace odin::model
