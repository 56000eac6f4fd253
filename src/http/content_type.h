#pragma once
// Content-Type checks shared by the servers.
#include <string_view>

namespace odin::http {

// Whether a POST body of this Content-Type is read as JSON: none (the header absent or
// empty), application/json or any application/<x>+json, and application/x-www-form-urlencoded
// (what `curl -d` sends, as in docs/plan.md's commands). Parameters ("; charset=utf-8") and case
// do not matter. Anything else explicit (text/plain, multipart/form-data ...) is not.
bool is_json_body_type(std::string_view content_type);

// ASCII case-insensitive equality.
bool iequal(std::string_view a, std::string_view b);

}  // namespace odin::http
