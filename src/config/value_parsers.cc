#include "config/value_parsers.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "model/channel.h"

namespace odin::config {
namespace {

using namespace std::chrono_literals;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// A decimal number "12", "1.5", ".5" at the front of `text`; advances `pos`.
std::optional<double> take_decimal(std::string_view text, std::size_t& pos) {
  const std::size_t begin = pos;
  bool digits = false;
  while (pos < text.size() && is_digit(text[pos])) ++pos, digits = true;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos, digits = true;
  }
  if (!digits) return std::nullopt;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data() + begin, text.data() + pos, value);
  if (ec != std::errc() || ptr != text.data() + pos) return std::nullopt;
  return value;
}

std::optional<double> duration_unit_ns(std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, double>, 8> units = {{
      {"ns", 1},
      {"us", 1e3},
      {"\xC2\xB5s", 1e3},  // µs (micro sign)
      {"\xCE\xBCs", 1e3},  // μs (Greek mu)
      {"ms", 1e6},
      {"s", 1e9},
      {"m", 60e9},
      {"h", 3600e9},
  }};
  for (const auto& [name, ns] : units) {
    if (name == unit) return ns;
  }
  return std::nullopt;
}

std::string range_text(uint64_t lo, uint64_t hi) {
  return fmt::format("from {} to {}", lo, hi);
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(sep, start);
    parts.push_back(trim(text.substr(start, end - start)));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

bool host_chars_ok(std::string_view host, bool bracketed) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [&](char c) {
    return is_digit(c) || is_alpha(c) || c == '.' || c == '-' || c == '_' ||
           (bracketed && (c == ':' || c == '%'));
  });
}

// "[v6]:port" / "host:port" / "host" (when the port is optional). nullopt if malformed.
std::optional<listen_address> split_host_port(std::string_view text, bool port_required) {
  listen_address out;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(text.substr(1, close - 1));
    if (!host_chars_ok(out.host, true) || out.host.find(':') == std::string::npos) {
      return std::nullopt;
    }
    rest = text.substr(close + 1);
    if (rest.empty() && !port_required) return out;
    if (rest.empty() || rest.front() != ':') return std::nullopt;
    rest.remove_prefix(1);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      if (port_required) return std::nullopt;
      out.host = std::string(text);
      return host_chars_ok(out.host, false) ? std::optional(out) : std::nullopt;
    }
    out.host = std::string(text.substr(0, colon));
    if (!out.host.empty() && !host_chars_ok(out.host, false)) return std::nullopt;
    rest = text.substr(colon + 1);
  }
  const auto port = parse_port(rest);
  if (!port) return std::nullopt;
  out.port = *port;
  return out;
}

}  // namespace

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text) {
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return std::nullopt;
  double total = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto value = take_decimal(text, pos);
    if (!value) return std::nullopt;
    const std::size_t unit_begin = pos;
    while (pos < text.size() && !is_digit(text[pos]) && text[pos] != '.') ++pos;
    const auto unit = duration_unit_ns(text.substr(unit_begin, pos - unit_begin));
    if (!unit) return std::nullopt;
    total += *value * *unit;
  }
  if (!(total < 9.2e18)) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(total)));
}

std::optional<uint64_t> parse_byte_size(std::string_view text) {
  std::size_t pos = 0;
  const auto value = take_decimal(text, pos);
  if (!value) return std::nullopt;
  std::string unit;
  for (char c : trim(text.substr(pos))) unit.push_back(lower(c));
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();  // "KiB" = "Ki", "B" = ""
  static constexpr std::array<std::pair<std::string_view, double>, 9> units = {{
      {"", 1},
      {"k", 1e3},
      {"m", 1e6},
      {"g", 1e9},
      {"t", 1e12},
      {"ki", 1024.0},
      {"mi", 1024.0 * 1024},
      {"gi", 1024.0 * 1024 * 1024},
      {"ti", 1024.0 * 1024 * 1024 * 1024},
  }};
  for (const auto& [name, factor] : units) {
    if (name != unit) continue;
    const double bytes = std::floor(*value * factor);
    if (!(bytes < 9.2e18)) return std::nullopt;
    return static_cast<uint64_t>(bytes);
  }
  return std::nullopt;
}

uint64_t parse_whole(std::string_view text, uint64_t lo, uint64_t hi) {
  uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < lo ||
      value > hi) {
    throw invalid_value("expected a whole number " + range_text(lo, hi));
  }
  return value;
}

double parse_number_above_zero(std::string_view text, double hi) {
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
      !std::isfinite(value) || !(value > 0) || value > hi) {
    throw invalid_value(fmt::format("expected a number above 0 and at most {}", hi));
  }
  return value;
}

std::chrono::milliseconds parse_duration(std::string_view text, std::chrono::milliseconds lo,
                                         std::chrono::milliseconds hi) {
  const auto ns = parse_go_duration(text);
  const auto ms = ns ? std::chrono::duration_cast<std::chrono::milliseconds>(*ns) : -1ms;
  if (!ns || ms < lo || ms > hi) {
    throw invalid_value(fmt::format("expected a duration from {} to {} (e.g. 15s, 500ms, 1m30s)",
                                    format_duration(lo), format_duration(hi)));
  }
  return ms;
}

std::chrono::microseconds parse_duration_us(std::string_view text, std::chrono::microseconds lo,
                                            std::chrono::microseconds hi) {
  const auto ns = parse_go_duration(text);
  const auto us = ns ? std::chrono::duration_cast<std::chrono::microseconds>(*ns) : -1us;
  if (!ns || us < lo || us > hi) {
    throw invalid_value(fmt::format("expected a duration from {} to {} (e.g. 0, 250us, 2ms)",
                                    format_duration_us(lo), format_duration_us(hi)));
  }
  return us;
}

uint64_t parse_bytes(std::string_view text, uint64_t lo, uint64_t hi) {
  const auto bytes = parse_byte_size(text);
  if (!bytes || *bytes < lo || *bytes > hi) {
    throw invalid_value(
        fmt::format("expected a size from {} to {} bytes (e.g. 1048576, 512KiB, 1.5GiB)",
                    format_bytes(lo), format_bytes(hi)));
  }
  return *bytes;
}

std::string parse_choice(std::string_view text, std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (a == text) return std::string(text);
  }
  throw invalid_value(fmt::format("expected one of {}", fmt::join(allowed, ", ")));
}

std::string parse_name(std::string_view text) {
  const bool ok = !text.empty() && text.size() <= 255 &&
                  std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 127; });
  if (!ok) throw invalid_value("expected 1 to 255 printable characters without spaces");
  return std::string(text);
}

listen_address parse_listen_address(std::string_view text) {
  auto address = split_host_port(text, true);
  if (!address) {
    throw invalid_value(
        "expected [host]:port with a port from 0 to 65535 (e.g. :3002, 127.0.0.1:3002, "
        "[::1]:3002)");
  }
  if (address->host.empty()) address->host = "0.0.0.0";
  return *address;
}

std::string format_listen_address(const listen_address& a) {
  if (a.host == "0.0.0.0") return fmt::format(":{}", a.port);
  if (a.host.find(':') != std::string::npos) return fmt::format("[{}]:{}", a.host, a.port);
  return fmt::format("{}:{}", a.host, a.port);
}

std::string parse_broker_list(std::string_view text) {
  std::vector<std::string_view> brokers = split(text, ',');
  for (std::string_view b : brokers) {
    const std::size_t scheme = b.find("://");
    const std::string_view hostport = scheme == std::string_view::npos ? b : b.substr(scheme + 3);
    const auto address = split_host_port(hostport, false);
    if (!address || address->host.empty()) {
      throw invalid_value(
          "expected a comma-separated list of host:port (e.g. localhost:19092,10.0.0.2:9092)");
    }
  }
  return fmt::format("{}", fmt::join(brokers, ","));
}

std::string parse_topic_name(std::string_view text) {
  const bool ok = !text.empty() && text.size() <= 249 && text != "." && text != ".." &&
                  std::all_of(text.begin(), text.end(), [](char c) {
                    return is_digit(c) || is_alpha(c) || c == '.' || c == '_' || c == '-';
                  });
  if (!ok) throw invalid_value("expected a Kafka topic name: 1 to 249 of A-Z a-z 0-9 . _ -");
  return std::string(text);
}

std::vector<std::string> parse_token_list(std::string_view text) {
  static constexpr std::string_view expected =
      "expected a comma-separated list of token ids, each 1 to 32 of A-Z a-z 0-9 _ -";
  std::vector<std::string> tokens;
  std::set<std::string_view> seen;
  for (std::string_view t : split(text, ',')) {
    if (auto ok = model::validate_token(t); !ok) {
      throw invalid_value(fmt::format("token \"{}\" is invalid ({}); {}", t,
                                      model::describe(ok.error()), expected));
    }
    if (!seen.insert(t).second) {
      throw invalid_value(fmt::format("token \"{}\" is listed twice; {}", t, expected));
    }
    tokens.emplace_back(t);
  }
  return tokens;
}

std::string format_duration(std::chrono::milliseconds d) {
  const int64_t ms = d.count();
  if (ms == 0) return "0s";
  if (ms % 1000 != 0) return fmt::format("{}ms", ms);
  const int64_t s = ms / 1000, h = s / 3600, m = s % 3600 / 60, sec = s % 60;
  std::string out;
  if (h != 0) out += fmt::format("{}h", h);
  if (m != 0) out += fmt::format("{}m", m);
  if (sec != 0) out += fmt::format("{}s", sec);
  return out;
}

std::string format_duration_us(std::chrono::microseconds d) {
  if (d.count() % 1000 != 0) return fmt::format("{}us", d.count());
  return format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

std::string format_bytes(uint64_t bytes) {
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 4> units = {{
      {"TiB", uint64_t{1} << 40},
      {"GiB", uint64_t{1} << 30},
      {"MiB", uint64_t{1} << 20},
      {"KiB", uint64_t{1} << 10},
  }};
  for (const auto& [name, size] : units) {
    if (bytes < size) continue;
    if (bytes % size == 0) return fmt::format("{}{}", bytes / size, name);
    const bool one_decimal = bytes <= UINT64_MAX / 10 && (bytes * 10) % size == 0;
    if (one_decimal) return fmt::format("{}.{}{}", bytes / size, bytes * 10 / size % 10, name);
  }
  return fmt::format("{}", bytes);
}

}  // namespace odin::config
