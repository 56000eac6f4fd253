#include "common/log.h"

#include <array>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace odin {
namespace {

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 if it is malformed
// (bad lead byte, missing continuation, overlong form, surrogate, above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

template <class Out>
void escape_into(std::string_view text, Out& out) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto put = [&](std::string_view piece) {
    out.append(piece.data(), piece.data() + piece.size());
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(text, i);
      put(n == 0 ? std::string_view("\\ufffd") : text.substr(i, n));
      i += n == 0 ? 1 : n;
      continue;
    }
    switch (c) {
      case '"':
        put("\\\"");
        break;
      case '\\':
        put("\\\\");
        break;
      case '\n':
        put("\\n");
        break;
      case '\r':
        put("\\r");
        break;
      case '\t':
        put("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          const std::array<char, 6> u = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
          put(std::string_view(u.data(), u.size()));
        } else {
          put(text.substr(i, 1));
        }
    }
    ++i;
  }
}

// %* : the message payload, JSON-escaped.
class json_message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    escape_into(std::string_view(msg.payload.data(), msg.payload.size()), dest);
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

void append_json_escaped(std::string_view text, std::string& out) {
  escape_into(text, out);
}

}  // namespace odin
