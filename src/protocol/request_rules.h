#pragma once
// Stage 2 of parse_request (protocol/request.h): the protocol rules on the fields stage 1
// (protocol/request_reader.h) captured — the type, the id, the shape of subscribe/unsubscribe,
// bundle expansion, channel and token validation, de-duplication, the per-request limit,
// "since" positions, "snapshot", "mode", and `auth`'s token. Errors come in a fixed precedence
// (docs/protocol.md §7, last paragraph). Internal to src/protocol.
#include "common/result.h"
#include "protocol/request.h"
#include "protocol/request_reader.h"

namespace odin::protocol {

// The request `r` (a JSON object read without error) stands for, or the first rule it breaks.
// The subscribe-only fields of an unsubscribe are cleared in `r` (ignored, as unknown ones).
result<request, request_error> apply_rules(raw_request& r, const protocol_limits& limits);

}  // namespace odin::protocol
