#include "loadtest/reconnect_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace odin::loadtest {
namespace {

reconnect_counts with_failures(uint64_t refused, uint64_t timeouts) {
  reconnect_counts r;
  r.enabled = true;
  r.started = refused + timeouts;
  r.failed = refused + timeouts;
  if (refused) r.failures["http 503"] = refused;
  if (timeouts) r.failures["timeout while connecting"] = timeouts;
  return r;
}

TEST(ReconnectReport, FailureReasonsMergeAndSurviveJson) {
  reconnect_counts a = with_failures(3, 0);
  a.merge(with_failures(2, 4));
  EXPECT_EQ(a.failed, 9u);
  EXPECT_EQ(a.failures.at("http 503"), 5u);
  EXPECT_EQ(a.failures.at("timeout while connecting"), 4u);

  const nlohmann::json j = to_json(a);
  EXPECT_EQ(j.at("failures").at("http 503"), 5);
  const reconnect_counts back = reconnect_from_json(j);
  EXPECT_EQ(back.failures, a.failures);
  EXPECT_EQ(back.failed, a.failed);
}

TEST(ReconnectReport, TableNamesEveryReason) {
  const std::string text = format_reconnects(with_failures(7, 1));
  EXPECT_NE(text.find("http 503: 7"), std::string::npos) << text;
  EXPECT_NE(text.find("timeout while connecting: 1"), std::string::npos) << text;
  EXPECT_EQ(format_reconnects(with_failures(0, 0)).find("reconnect failed"), std::string::npos);
}

}  // namespace
}  // namespace odin::loadtest
