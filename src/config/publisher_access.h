#pragma once
// Who may publish, and where the publisher listens (issue 9): PUBLISHER_API_KEYS(_FILE) are
// read into publisher::options::api_keys; without a key the publisher binds loopback only,
// unless PUBLISHER_ALLOW_ANONYMOUS=true says that an open publisher is wanted.
#include <string>
#include <string_view>

#include "config/settings.h"

namespace odin::config {

// The address the publisher binds, or why it must not start.
struct publisher_bind {
  std::string host;   // the address to bind ("" when `error` is set)
  std::string error;  // refuse to start with this message ("" = go)
};

// `requested`: PUBLISHER_HOST as given ("" = not given). With keys or allow_anonymous the
// requested address (default 0.0.0.0) is used; without both, the default is 127.0.0.1 and an
// explicit non-loopback address is refused. (The server's start-up line says which case it
// is and names the variables to set.)
publisher_bind decide_publisher_bind(std::string_view requested, bool has_keys,
                                     bool allow_anonymous);

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host);

// Loads the keys into s.publisher.api_keys and settles s.publisher.host; throws config_error
// for an unreadable key file, a bad key (never quoting it) or a refused address.
void apply_publisher_access(settings& s);

}  // namespace odin::config
