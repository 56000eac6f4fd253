#include "model/token_pool.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace odin::model {
namespace {

TEST(TokenPool, NamesAreNumberedFromOne) {
  EXPECT_EQ(token_pool(3), (std::vector<std::string>{"T0001", "T0002", "T0003"}));
  EXPECT_TRUE(token_pool(0).empty());
  const auto big = token_pool(10000);
  EXPECT_EQ(big.back(), "T10000");
  EXPECT_EQ(std::set<std::string>(big.begin(), big.end()).size(), 10000u);
}

}  // namespace
}  // namespace odin::model
