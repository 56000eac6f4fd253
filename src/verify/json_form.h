#pragma once
// The JSON form of a telemetry point, for `odin verify --topic T` on topics that carry JSON:
//   {"symbol":"VRFY-07","price":101.25,"volume":0.5,"bid":101.2,"ask":null,
//    "source":"odin-verify","eventTime":1732280000123}
// The same fields as schemas/market_telemetry.avsc, as plain JSON values: `bid`/`ask` are a
// number or null (or absent); `eventTime` an integer. Any other member, a missing required
// member or a wrong type is a mismatch. Not thread-safe: one json_form per thread.
#include <string>
#include <string_view>

#include <simdjson.h>

#include "common/result.h"
#include "verify/telemetry_point.h"

namespace odin::verify {

class json_form {
 public:
  static void encode(const telemetry_point& p, std::string& out);
  result<telemetry_point, invalid_reason> decode(std::string_view text);

 private:
  simdjson::dom::parser parser_;
};

}  // namespace odin::verify
