#pragma once
// Process-wide logging: spdlog's default logger on stderr, JSON or text lines (LOG_FORMAT),
// filtered by LOG_LEVEL. Call init_logging() once at start-up, before other threads log.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/common.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>

namespace odin {

// "trace" | "debug" | "info" | "warn" | "error"; nullopt for anything else.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view level);
// "json" | "text".
bool is_log_format(std::string_view format);

inline constexpr std::string_view log_levels_allowed = "trace, debug, info, warn or error";
inline constexpr std::string_view log_formats_allowed = "json or text";

// The line formatter of a format: json = {"ts":"<UTC ISO-8601>","level":"info","msg":"..."}
// with the message JSON-escaped (invalid UTF-8 becomes U+FFFD), text = a readable line.
// Throws std::invalid_argument naming LOG_FORMAT for an unknown format.
std::unique_ptr<spdlog::formatter> make_log_formatter(std::string_view format);

// Builds a logger writing to `sink` with the given level and format (tests use a string sink).
// Throws std::invalid_argument naming LOG_LEVEL / LOG_FORMAT and the allowed values.
std::shared_ptr<spdlog::logger> make_logger(std::string name, std::string_view level,
                                            std::string_view format, spdlog::sink_ptr sink);

// Replaces spdlog's default logger with one on stderr (colours in text mode on a terminal).
// Throws std::invalid_argument like make_logger().
void init_logging(std::string_view level, std::string_view format);

}  // namespace odin
