#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/config_error.h"
#include "config/env_file.h"

namespace odin::config {
namespace {

using vars = std::map<std::string, std::string>;

std::string error_of(std::string_view text) {
  try {
    parse_env_text(text, "test.env");
  } catch (const config_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(EnvFile, ParsesTheUsualForms) {
  const vars parsed = parse_env_text(
      "# a comment\n"
      "\n"
      "KAFKA_BROKERS=10.128.0.9:9092  # Backend internal IP\n"
      "export LOG_LEVEL=debug\n"
      "WS_ADDR = :4000\n"
      "SINGLE='keeps # and \\n as is'  # dropped\n"
      "DOUBLE=\"line\\nnext \\\"quoted\\\" \\\\ # kept\"  # dropped\n"
      "HASH=abc#def\n"
      "EMPTY=\n"
      "EMPTY_QUOTED=\"\"\n"
      "   INDENTED=yes   \n"
      "CRLF=value\r\n"
      "EQUALS=a=b=c\n"
      "lower_case_1=ok\n"
      "LOG_LEVEL=warn\n",  // a later line wins
      "test.env");
  const vars expected = {
      {"KAFKA_BROKERS", "10.128.0.9:9092"},
      {"LOG_LEVEL", "warn"},
      {"WS_ADDR", ":4000"},
      {"SINGLE", "keeps # and \\n as is"},
      {"DOUBLE", "line\nnext \"quoted\" \\ # kept"},
      {"HASH", "abc#def"},
      {"EMPTY", ""},
      {"EMPTY_QUOTED", ""},
      {"INDENTED", "yes"},
      {"CRLF", "value"},
      {"EQUALS", "a=b=c"},
      {"lower_case_1", "ok"},
  };
  EXPECT_EQ(parsed, expected);
}

TEST(EnvFile, ByteOrderMarkAndEmptyText) {
  EXPECT_EQ(parse_env_text("\xEF\xBB\xBF"
                           "A=1",
                           "x"),
            (vars{{"A", "1"}}));
  EXPECT_TRUE(parse_env_text("", "x").empty());
  EXPECT_TRUE(parse_env_text("# only\n\n", "x").empty());
}

TEST(EnvFile, MalformedLinesNameFileAndLine) {
  EXPECT_EQ(error_of("A=1\nJUST_A_WORD\n"), "test.env:2: no '=' (expected KEY=VALUE)");
  EXPECT_EQ(error_of("\n\n1ABC=x"), "test.env:3: bad variable name \"1ABC\" (expected KEY=VALUE)");
  EXPECT_EQ(error_of("=x"), "test.env:1: bad variable name \"\" (expected KEY=VALUE)");
  EXPECT_EQ(error_of("MY-VAR=x"), "test.env:1: bad variable name \"MY-VAR\" (expected KEY=VALUE)");
  EXPECT_EQ(error_of("A=\"open"), "test.env:1: unterminated double quote (expected KEY=VALUE)");
  EXPECT_EQ(error_of("A='open"), "test.env:1: unterminated single quote (expected KEY=VALUE)");
  EXPECT_EQ(error_of("A=\"x\" y"),
            "test.env:1: unexpected text after the closing quote (expected KEY=VALUE)");
  EXPECT_EQ(error_of("A='x'y"),
            "test.env:1: unexpected text after the closing quote (expected KEY=VALUE)");
}

TEST(EnvFile, ReadsFilesAndReportsMissingOnes) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("odin_env_file_test_" + std::to_string(::getpid()) + ".env");
  {
    std::ofstream out(path);
    out << "WS_MAX_CONNECTIONS=100\nexport SIM_RATE=\"50\"\n";
  }
  EXPECT_EQ(parse_env_file(path.string()),
            (vars{{"WS_MAX_CONNECTIONS", "100"}, {"SIM_RATE", "50"}}));
  {
    std::ofstream out(path);
    out << "OK=1\nBROKEN\n";
  }
  try {
    parse_env_file(path.string());
    FAIL() << "no error";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ":2: no '=' (expected KEY=VALUE)");
  }
  std::filesystem::remove(path);
  try {
    parse_env_file(path.string());
    FAIL() << "no error";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ": cannot read: No such file or directory");
  }
}

}  // namespace
}  // namespace odin::config
