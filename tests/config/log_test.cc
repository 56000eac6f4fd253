#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "common/log.h"

namespace odin {
namespace {

using namespace std::string_literals;

struct captured {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;

  captured(std::string_view level, std::string_view format)
      : logger(make_logger("test", level, format,
                           std::make_shared<spdlog::sinks::ostream_sink_st>(out))) {}

  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }
};

TEST(Log, JsonLinesAreValidJsonWithEscapedMessages) {
  captured log("trace", "json");
  const std::vector<std::string> messages = {
      "plain",
      "quote \" backslash \\ slash /",
      "new\nline\ttab\rreturn",
      "nul \0 bell \x07 del \x7f"s,
      "unicode: caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x80",
  };
  for (const auto& m : messages) log.logger->info("{}", m);
  log.logger->warn("careful");
  log.logger->debug("details {}", 42);
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), messages.size() + 2);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    const auto doc = nlohmann::json::parse(lines[i]);
    ASSERT_EQ(doc.size(), 3u);
    EXPECT_TRUE(std::regex_match(doc.at("ts").get<std::string>(), iso));
    if (i < messages.size()) {
      EXPECT_EQ(doc.at("msg"), messages[i]);
      EXPECT_EQ(doc.at("level"), "info");
    }
  }
  EXPECT_EQ(nlohmann::json::parse(lines[messages.size()]).at("level"), "warn");
  EXPECT_EQ(nlohmann::json::parse(lines[messages.size() + 1]).at("msg"), "details 42");
}

TEST(Log, InvalidUtf8BecomesReplacementCharacter) {
  captured log("info", "json");
  log.logger->info("bad \xC3 \xFF \xED\xA0\x80 end");  // truncated, invalid byte, surrogate
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto doc = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(doc.at("msg"),
            "bad \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST(Log, LevelFilters) {
  captured log("warn", "json");
  log.logger->info("hidden");
  log.logger->debug("hidden");
  log.logger->warn("shown");
  log.logger->error("shown too");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(lines[1]).at("level"), "error");
}

TEST(Log, TextFormatIsReadable) {
  captured log("info", "text");
  log.logger->info("hello {}", "world");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(std::regex_match(
      lines[0], std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[info\] hello world)")))
      << lines[0];
}

TEST(Log, BadLevelOrFormatNamesTheVariableAndTheChoices) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(std::cout);
  try {
    make_logger("x", "verbose", "json", sink);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "LOG_LEVEL=\"verbose\": expected trace, debug, info, warn or error");
  }
  try {
    init_logging("info", "xml");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "LOG_FORMAT=\"xml\": expected json or text");
  }
  EXPECT_THROW(init_logging("INFO", "json"), std::invalid_argument);
  EXPECT_FALSE(parse_log_level("warning"));
  EXPECT_EQ(parse_log_level("error"), spdlog::level::err);
}

TEST(Log, InitLoggingReplacesTheDefaultLogger) {
  init_logging("debug", "json");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
  EXPECT_EQ(spdlog::default_logger()->name(), "odin");
  init_logging("error", "text");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::err);
}

}  // namespace
}  // namespace odin
