#include "loadtest/options.h"

#include <arpa/inet.h>

#include <charconv>

namespace odin::loadtest {

std::optional<protocol_kind> parse_protocol(std::string_view name) {
  if (name == "odin") return protocol_kind::odin;
  if (name == "nats") return protocol_kind::nats;
  if (name == "simple") return protocol_kind::simple;
  return std::nullopt;
}

std::string_view to_string(protocol_kind p) {
  switch (p) {
    case protocol_kind::odin:
      return "odin";
    case protocol_kind::nats:
      return "nats";
    case protocol_kind::simple:
      return "simple";
  }
  return "?";
}

std::string_view describe(parse_error e) {
  switch (e) {
    case parse_error::bad_url:
      return "expected ws://HOST[:PORT][/PATH]";
    case parse_error::bad_address:
      return "expected an IPv4 address such as 127.0.0.2";
    case parse_error::bad_range:
      return "expected FIRST-LAST with FIRST <= LAST";
  }
  return "?";
}

result<server_url, parse_error> parse_server_url(std::string_view url) {
  constexpr std::string_view scheme = "ws://";
  if (!url.starts_with(scheme)) return parse_error::bad_url;
  url.remove_prefix(scheme.size());
  server_url out;
  const auto slash = url.find('/');
  if (slash != std::string_view::npos) {
    out.target = std::string(url.substr(slash));
    url = url.substr(0, slash);
  }
  const auto colon = url.rfind(':');
  if (colon != std::string_view::npos) {
    const auto port = url.substr(colon + 1);
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || p != port.data() + port.size() || value == 0 || value > 65535) {
      return parse_error::bad_url;
    }
    out.port = static_cast<uint16_t>(value);
    url = url.substr(0, colon);
  }
  if (url.empty()) return parse_error::bad_url;
  out.host = std::string(url);
  return out;
}

namespace {

result<uint32_t, parse_error> parse_ipv4(std::string_view text) {
  const std::string s(text);
  in_addr addr{};
  if (inet_pton(AF_INET, s.c_str(), &addr) != 1) return parse_error::bad_address;
  return ntohl(addr.s_addr);
}

}  // namespace

result<std::vector<uint32_t>, parse_error> parse_source_ips(std::string_view spec) {
  std::vector<uint32_t> out;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    const auto dash = item.find('-');
    auto first = parse_ipv4(item.substr(0, dash));
    if (!first) return first.error();
    uint32_t last = first.value();
    if (dash != std::string_view::npos) {
      auto l = parse_ipv4(item.substr(dash + 1));
      if (!l) return l.error();
      if (l.value() < first.value() || l.value() - first.value() > 1'000'000) {
        return parse_error::bad_range;
      }
      last = l.value();
    }
    for (uint64_t a = first.value(); a <= last; ++a) out.push_back(static_cast<uint32_t>(a));
  }
  if (out.empty()) return parse_error::bad_address;
  return out;
}

}  // namespace odin::loadtest
