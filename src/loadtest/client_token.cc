#include "loadtest/client_token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>

#include <fmt/format.h>

namespace odin::loadtest {
namespace {

// Unpadded base64url (RFC 4648 §5).
std::string b64url(std::string_view bytes) {
  static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    const uint32_t v =
        (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
  }
  return out;
}

}  // namespace

std::string client_sub(const options& o, std::size_t index) {
  if (o.users > 0) return fmt::format("user{}", 1 + index % o.users);
  return fmt::format("user-{}", index);
}

std::string mint_hs256(std::string_view secret, std::string_view sub, int64_t exp) {
  std::string input = b64url(R"({"alg":"HS256","typ":"JWT"})");
  input += '.';
  input += b64url(fmt::format(R"({{"sub":"{}","exp":{}}})", sub, exp));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &size);
  input += '.';
  input += b64url({reinterpret_cast<const char*>(mac), size});
  return input;
}

std::string target_for_client(const options& o, std::string_view target, std::size_t index) {
  std::string token = o.token;
  if (token.empty() && !o.jwt_secret.empty()) {
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    token = mint_hs256(o.jwt_secret, client_sub(o, index), now + o.token_ttl_s);
  }
  if (token.empty()) return std::string(target);
  std::string out(target);
  out += target.find('?') == std::string_view::npos ? "?token=" : "&token=";
  out += token;  // base64url and '.': nothing to escape
  return out;
}

}  // namespace odin::loadtest
