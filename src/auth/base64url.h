#pragma once
// Base64url without padding (RFC 7515 §2, RFC 4648 §5), as JWTs and JWKs use it.
#include <optional>
#include <string>
#include <string_view>

namespace odin::auth {

// Strict decoding: only A-Z a-z 0-9 - _, no padding, no whitespace, and the unused low bits of
// the last character must be zero (one encoding per byte string). nullopt on anything else.
std::optional<std::string> base64url_decode(std::string_view text);

std::string base64url_encode(std::string_view bytes);

}  // namespace odin::auth
