// Fuzzes the JWT verifier (src/auth). Two input forms:
// - a raw token (anything without a newline, or not starting with '{'): checks the whole
//   pipeline refuses what it cannot verify, without throwing, crashing or leaking;
// - "HEADER\nPAYLOAD" (starts with '{'): the harness signs it with the HS256 secret, so the
//   header and claim parsing behind the signature check is reached as well.
// Besides the sanitizers, it checks:
// - verify() never throws; an accepted token is <= 8 KiB, has exactly two dots and its claims
//   are not expired at the fixed clock;
// - a token accepted by the verifier is refused by one with another secret;
// - base64url: decode(encode(x)) == x, and any decodable text re-encodes to itself;
// - bearer_token() returns a non-empty token without spaces, inside its input.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/api_key_set.h"
#include "auth/base64url.h"
#include "auth/jwt_verifier.h"
#include "auth/test_keys.h"
#include "fuzz_require.h"

namespace {

using namespace odin::auth;

constexpr int64_t now_s = 1'800'000'000;
const std::string secret = "fuzz-secret-0123456789abcdef0123456789";

using ::odin::fuzz::require;

jwt_verifier make_verifier(const std::string& key_secret) {
  static const odin::test::test_key ec = odin::test::test_key::ec_p256();
  std::vector<verification_key> keys;
  keys.push_back(verification_key::hmac(key_secret));
  keys.push_back(verification_key::from_pem(ec.public_pem(), "ec-1"));
  jwt_options o;
  o.audience = "odin";  // exercised when present; tokens without aud are refused
  return jwt_verifier(std::move(keys), o, [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(now_s));
  });
}

void check_base64url(std::string_view data) {
  require(base64url_decode(base64url_encode(data)) == std::string(data), "base64url round trip");
  if (const auto bytes = base64url_decode(data)) {
    require(base64url_encode(*bytes) == data, "base64url decoding is not canonical");
  }
}

void check_bearer(std::string_view data) {
  const auto token = bearer_token(data);
  if (!token) return;
  require(!token->empty() && token->find(' ') == std::string_view::npos, "bearer token shape");
  require(
      token->data() >= data.data() && token->data() + token->size() <= data.data() + data.size(),
      "bearer token outside its input");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  static const jwt_verifier verifier = make_verifier(secret);
  static const jwt_verifier other = make_verifier(secret + "-other");
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  check_base64url(data);
  check_bearer(data);

  std::string token(data);
  const std::size_t nl = data.find('\n');
  if (!data.empty() && data.front() == '{' && nl != std::string_view::npos) {
    token = odin::test::signed_token(data.substr(0, nl), data.substr(nl + 1), secret);
  }
  const auto result = verifier.verify(token);
  if (!result) return 0;
  require(token.size() <= 8192, "accepted a token over 8 KiB");
  require(std::count(token.begin(), token.end(), '.') == 2, "accepted without three parts");
  require(result.value().exp + 30 > now_s, "accepted an expired token");
  require(!other.verify(token), "another secret accepted the same token");
  return 0;
}
