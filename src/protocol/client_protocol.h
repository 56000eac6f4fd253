#pragma once
// The client protocol (docs/protocol.md) in one include: what a client sends and how it is
// parsed (protocol/request.h: parse_request, request, request_error, the limits), the error
// codes (protocol/error_code.h) and the replies (protocol/replies.h: render_*).
#include "protocol/error_code.h"
#include "protocol/replies.h"
#include "protocol/request.h"
