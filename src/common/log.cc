#include "common/log.h"

#include <array>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/json_escape.h"

namespace odin {
namespace {

// %* : the message payload, JSON-escaped.
class json_message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    append_json_escaped(dest, std::string_view(msg.payload.data(), msg.payload.size()),
                        invalid_utf8::replace);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_message_flag>();
  }
};

// %L : the level as LOG_LEVEL spells it ("warn", not spdlog's "warning").
class level_name_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    static constexpr std::array<std::string_view, 7> names = {"trace", "debug",    "info", "warn",
                                                              "error", "critical", "off"};
    const std::string_view name = names.at(static_cast<std::size_t>(msg.level));
    dest.append(name.data(), name.data() + name.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<level_name_flag>();
  }
};

spdlog::level::level_enum level_or_throw(std::string_view level) {
  auto parsed = parse_log_level(level);
  if (!parsed) {
    throw std::invalid_argument(
        fmt::format("LOG_LEVEL=\"{}\": expected {}", level, log_levels_allowed));
  }
  return *parsed;
}

}  // namespace

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view level) {
  using spdlog::level::level_enum;
  if (level == "trace") return level_enum::trace;
  if (level == "debug") return level_enum::debug;
  if (level == "info") return level_enum::info;
  if (level == "warn") return level_enum::warn;
  if (level == "error") return level_enum::err;
  return std::nullopt;
}

bool is_log_format(std::string_view format) {
  return format == "json" || format == "text";
}

std::unique_ptr<spdlog::formatter> make_log_formatter(std::string_view format) {
  if (format == "json") {
    auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    f->add_flag<json_message_flag>('*').add_flag<level_name_flag>('L');
    f->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%L","msg":"%*"})");
    return f;
  }
  if (format == "text") {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<level_name_flag>('L');
    f->set_pattern("%Y-%m-%d %H:%M:%S.%e [%^%L%$] %v");
    return f;
  }
  throw std::invalid_argument(
      fmt::format("LOG_FORMAT=\"{}\": expected {}", format, log_formats_allowed));
}

std::shared_ptr<spdlog::logger> make_logger(std::string name, std::string_view level,
                                            std::string_view format, spdlog::sink_ptr sink) {
  const auto lvl = level_or_throw(level);
  auto formatter = make_log_formatter(format);
  auto logger = std::make_shared<spdlog::logger>(std::move(name), std::move(sink));
  logger->set_formatter(std::move(formatter));
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  return logger;
}

void init_logging(std::string_view level, std::string_view format) {
  level_or_throw(level);
  make_log_formatter(format);  // validates before anything is replaced
  spdlog::sink_ptr sink;
  if (format == "json") {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  }
  spdlog::set_default_logger(make_logger("odin", level, format, std::move(sink)));
}

}  // namespace odin
