#pragma once
// Parsers of setting values. Each throws invalid_value whose what() says what is allowed
// ("expected a whole number from 1 to 1000000"); the loader prefixes the variable and value.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace odin::config {

class invalid_value : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Go durations: "15s", "500ms", "1m30s", "1.5h", "0"; units ns us µs ms s m h.
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);
// Byte sizes: "1048576", "512KiB", "14.5GiB", "64MB"; K/KB = 1000, Ki/KiB = 1024 (any case).
std::optional<uint64_t> parse_byte_size(std::string_view text);

uint64_t parse_whole(std::string_view text, uint64_t lo, uint64_t hi);
double parse_number_above_zero(std::string_view text, double hi);  // (0, hi]
std::chrono::milliseconds parse_duration(std::string_view text, std::chrono::milliseconds lo,
                                         std::chrono::milliseconds hi);
std::chrono::microseconds parse_duration_us(std::string_view text, std::chrono::microseconds lo,
                                            std::chrono::microseconds hi);
uint64_t parse_bytes(std::string_view text, uint64_t lo, uint64_t hi);
std::string parse_choice(std::string_view text, std::initializer_list<std::string_view> allowed);
std::string parse_name(std::string_view text);  // non-empty, printable, no spaces

struct listen_address {
  std::string host;  // "0.0.0.0" for ":port"
  uint16_t port = 0;
};
// ":3002", "127.0.0.1:3002", "localhost:3002", "[::1]:3002"; port 0..65535.
listen_address parse_listen_address(std::string_view text);
std::string format_listen_address(const listen_address& address);

// "host:port,host:port" (port optional, "[v6]:port", optional "scheme://"); normalised.
std::string parse_broker_list(std::string_view text);
// A legal Kafka topic: 1..249 of [A-Za-z0-9._-], not "." or "..".
std::string parse_topic_name(std::string_view text);
// "BTC,ETH, SOL": each a valid token id (model::validate_token), no duplicates.
std::vector<std::string> parse_token_list(std::string_view text);

std::string format_duration(std::chrono::milliseconds d);     // "1m30s", "500ms", "0s"
std::string format_duration_us(std::chrono::microseconds d);  // "250us", else as above
std::string format_bytes(uint64_t bytes);                     // "64KiB", "14.5GiB", "1000"
std::string_view trim(std::string_view text);

}  // namespace odin::config
