#include "auth/api_key_set.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace odin::auth {
namespace {

const std::string key_a = "key-aaaaaaaaaaaaaaaa";
const std::string key_b = "key-bbbbbbbbbbbbbbbb";

TEST(ApiKeySet, EmptyByDefaultAndAcceptsNothing) {
  const api_key_set none = api_key_set::load("");
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.accepts(""));
  EXPECT_FALSE(none.accepts(key_a));
}

TEST(ApiKeySet, CommaListTrimmedAndDeduplicated) {
  const auto keys = api_key_set::load(" " + key_a + " ,," + key_b + "," + key_a + ",");
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_TRUE(keys.accepts(key_a));
  EXPECT_TRUE(keys.accepts(key_b));
  EXPECT_FALSE(keys.accepts(key_a.substr(0, key_a.size() - 1)));  // prefix
  EXPECT_FALSE(keys.accepts(key_a + "x"));                        // extension
  EXPECT_FALSE(keys.accepts(""));
  std::string flipped = key_b;
  flipped.back() = 'c';
  EXPECT_FALSE(keys.accepts(flipped));
}

TEST(ApiKeySet, FileWithCommentsAndBlankLines) {
  const std::string path = ::testing::TempDir() + "odin_api_keys.txt";
  std::ofstream(path) << "# publisher keys\n\n  " << key_b << "  \r\n# old: nothing\n";
  const auto keys = api_key_set::load(key_a, path);
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_TRUE(keys.accepts(key_a));
  EXPECT_TRUE(keys.accepts(key_b));
  EXPECT_FALSE(keys.accepts("# publisher keys"));
  std::remove(path.c_str());
  EXPECT_THROW(api_key_set::load("", path), std::invalid_argument);  // now missing
}

TEST(ApiKeySet, RefusesWeakOrOddKeysWithoutEchoingThem) {
  try {
    api_key_set::load(key_a + ",tooshort-secret");
    ADD_FAILURE() << "short key accepted";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("PUBLISHER_API_KEYS entry 2"), std::string::npos) << what;
    EXPECT_EQ(what.find("tooshort"), std::string::npos) << "the key leaked: " << what;
  }
  EXPECT_THROW(api_key_set::load("key with spaces inside it"), std::invalid_argument);
  EXPECT_THROW(api_key_set::load(std::string("key-with-a-tab\tinside-it")), std::invalid_argument);
  EXPECT_THROW(api_key_set::load(std::string(5000, 'k')), std::invalid_argument);
}

TEST(BearerToken, ParsesTheAuthorizationHeader) {
  EXPECT_EQ(bearer_token("Bearer abc.def"), "abc.def");
  EXPECT_EQ(bearer_token("bearer abc"), "abc");
  EXPECT_EQ(bearer_token("BEARER   abc  "), "abc");
  EXPECT_EQ(bearer_token("  Bearer\tabc"), "abc");
  EXPECT_FALSE(bearer_token(""));
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Bearer "));
  EXPECT_FALSE(bearer_token("Bearerabc"));
  EXPECT_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
  EXPECT_FALSE(bearer_token("Bearer a b"));
  EXPECT_FALSE(bearer_token(std::string("Bearer a\x01")));
}

}  // namespace
}  // namespace odin::auth
