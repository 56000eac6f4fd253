#pragma once
// The files of schemas/ as embedded at build time (see CMakeLists.txt), sorted by name.
#include <span>
#include <string_view>

namespace odin::schema {

struct embedded_file {
  std::string_view name;  // "TRADE_EXECUTED.json", "market_telemetry.avsc"
  std::string_view text;
};

std::span<const embedded_file> embedded_files();

}  // namespace odin::schema
