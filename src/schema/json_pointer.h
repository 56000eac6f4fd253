#pragma once
// JSON Pointers (RFC 6901) naming the place of a value in a document: "" is the whole
// document, "/data/price" the member "price" of the member "data", "/3" the fourth item.
#include <cstddef>
#include <string>
#include <string_view>

namespace odin::schema {

// `base` + "/" + `key` with '~' written as "~0" and '/' as "~1".
std::string pointer_to_member(std::string_view base, std::string_view key);

// `base` + "/" + the decimal index.
std::string pointer_to_item(std::string_view base, std::size_t index);

}  // namespace odin::schema
