#pragma once
// The sections of the setting table (config/setting_table.h), one per source file, and the
// helpers their rows share. setting_rows() lists the sections in this order, then the simulator
// and logging rows of config/setting_table.cc. Internal to src/config.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "config/setting_table.h"
#include "config/value_parsers.h"

namespace odin::config {

// WS_ADDR ... WS_RECOVERY_TIMEOUT: listening, limits, guards, flushing, history and recovery
// (config/setting_rows_gateway.cc).
std::span<const setting_row> gateway_setting_rows();
// KAFKA_*, its security settings, BUS_*: the Kafka client and the memory bus
// (config/setting_rows_bus.cc).
std::span<const setting_row> bus_setting_rows();
// PORT, PUBLISHER_*: the publisher's HTTP API, contract, outage and API keys
// (config/setting_rows_publisher.cc).
std::span<const setting_row> publisher_setting_rows();
// Origins, per-IP limits, admin listeners, client identity (WS_AUTH, WS_JWT_*)
// (config/setting_rows_access.cc).
std::span<const setting_row> access_setting_rows();

// What the rows print their values with.
namespace setting_text {

constexpr uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024;

inline std::string num(uint64_t v) {
  return std::to_string(v);
}
inline std::string dur(std::chrono::milliseconds d) {
  return format_duration(d);
}
inline std::string lower(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
inline std::string upper(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
inline std::string redacted(const std::string& secret) {
  return secret.empty() ? std::string() : std::string("(redacted)");
}

}  // namespace setting_text
}  // namespace odin::config
