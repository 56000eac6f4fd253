// permessage-deflate negotiation (RFC 7692 §7.1): which Sec-WebSocket-Extensions offers the
// gateway accepts, and the 101 it answers with.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/upgrade.h"

namespace odin::gateway {
namespace {

namespace http = boost::beast::http;

http_request request_with(const std::vector<std::string>& extension_headers) {
  http_request req{http::verb::get, "/ws", 11};
  for (const std::string& h : extension_headers) {
    req.insert(http::field::sec_websocket_extensions, h);
  }
  return req;
}

struct offer_case {
  std::vector<std::string> headers;
  bool accepted;
};

TEST(DeflateNegotiation, OffersAreAcceptedOrDeclinedByTheirParameters) {
  const std::vector<offer_case> cases = {
      {{}, false},
      {{"permessage-deflate"}, true},
      {{"permessage-deflate; client_max_window_bits"}, true},  // Chromium, Node ws
      {{"Permessage-Deflate; Client_Max_Window_Bits"}, true},
      {{"permessage-deflate; client_max_window_bits=10"}, true},
      {{"permessage-deflate; client_max_window_bits=\"12\""}, true},
      {{"permessage-deflate; server_no_context_takeover; client_no_context_takeover"}, true},
      {{"permessage-deflate; server_max_window_bits=15"}, true},
      {{"permessage-deflate; server_max_window_bits=10"}, false},  // we need the full window
      {{"permessage-deflate; server_max_window_bits"}, false},     // requires a value
      {{"permessage-deflate; client_max_window_bits=16"}, false},
      {{"permessage-deflate; client_max_window_bits=7"}, false},
      {{"permessage-deflate; client_max_window_bits=010"}, false},
      {{"permessage-deflate; server_no_context_takeover=1"}, false},  // takes no value
      {{"permessage-deflate; client_no_context_takeover; client_no_context_takeover"}, false},
      {{"permessage-deflate; x_webkit_deflate"}, false},  // unknown parameter
      {{"x-webkit-deflate-frame"}, false},
      {{"foo, bar; baz=1"}, false},
      // A declined offer is skipped for the next one, in the same header or the next.
      {{"permessage-deflate; server_max_window_bits=9, permessage-deflate"}, true},
      {{"permessage-deflate; unknown=1", "permessage-deflate; client_max_window_bits"}, true},
      {{"x-custom, permessage-deflate"}, true},
      // A bare offer after one with parameters (Beast's ext_list repeats the earlier list).
      {{"permessage-deflate; unknown, permessage-deflate"}, true},
      {{"x-custom; unknown=1, permessage-deflate"}, true},
  };
  for (const offer_case& c : cases) {
    std::string text;
    for (const std::string& h : c.headers) text += "[" + h + "] ";
    EXPECT_EQ(negotiate_deflate(request_with(c.headers)), c.accepted) << text;
  }
}

TEST(DeflateNegotiation, ResponseNamesBothNoContextTakeoverParameters) {
  const std::string with = render_switching_protocols("dGhlIHNhbXBsZSBub25jZQ==", true);
  EXPECT_NE(with.find("\r\nSec-WebSocket-Extensions: permessage-deflate; "
                      "server_no_context_takeover; client_no_context_takeover\r\n\r\n"),
            std::string::npos)
      << with;
  EXPECT_NE(with.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos);
  const std::string without = render_switching_protocols("dGhlIHNhbXBsZSBub25jZQ==", false);
  EXPECT_EQ(without.find("Sec-WebSocket-Extensions"), std::string::npos);
  EXPECT_EQ(without.substr(without.size() - 4), "\r\n\r\n");
}

}  // namespace
}  // namespace odin::gateway
