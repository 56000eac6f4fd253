// Private balances seen by the load tester (loadtest/balance_check.h): every balances event a
// client receives must carry its own sub as userId; anything else is counted as foreign, fails
// the run (runner.h violations) and is in the report and its table.
#include "loadtest/balance_check.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loadtest/client_token.h"
#include "loadtest/protocol_adapter.h"
#include "loadtest/report.h"
#include "loadtest/runner.h"

namespace odin::loadtest {
namespace {

TEST(BalanceCheck, OwnForeignMissingAndUncheckedEvents) {
  balance_counts c;
  count_balance_event(c, "user7", "user7", true);
  count_balance_event(c, "user7", "user7", false);
  EXPECT_EQ(c.own, 2u);
  EXPECT_EQ(c.own_in_window, 1u);
  EXPECT_EQ(c.foreign, 0u);
  count_balance_event(c, "user7", "user8", true);  // another user's balance: a violation
  count_balance_event(c, "user7", "user77", true);
  count_balance_event(c, "user7", std::nullopt, true);  // no userId: not provably its own
  EXPECT_EQ(c.foreign, 3u);
  count_balance_event(c, "", "user8", true);  // no minted sub: cannot be checked
  EXPECT_EQ(c.unchecked, 1u);
  EXPECT_EQ(c.own, 2u);
  balance_counts sum;
  sum.merge(c);
  sum.merge(c);
  EXPECT_EQ(sum.foreign, 6u);
  EXPECT_EQ(sum.own_in_window, 2u);
  EXPECT_TRUE(is_balances_channel("BTC.balances"));
  EXPECT_FALSE(is_balances_channel("BTC.trade"));
}

TEST(BalanceCheck, SubsMatchTheSimulatorsUsersWithUsersN) {
  options o;
  EXPECT_EQ(client_sub(o, 0), "user-0");
  EXPECT_EQ(client_sub(o, 42), "user-42");
  o.users = 10000;  // SIM_USERS=10000: user1 .. user10000
  EXPECT_EQ(client_sub(o, 0), "user1");
  EXPECT_EQ(client_sub(o, 9999), "user10000");
  EXPECT_EQ(client_sub(o, 10000), "user1");
}

struct user_recorder final : message_sink {
  std::vector<std::pair<bool, std::optional<std::string>>> seen;  // balances?, userId
  void on_event(const event_view& e) override {
    seen.emplace_back(e.balances, e.user ? std::optional<std::string>(*e.user) : std::nullopt);
  }
  void on_recovered(uint32_t, uint32_t) override {}
  void on_confirmation() override {}
  void on_reply() override {}
  void on_request_error() override {}
  void send_text(std::string_view) override {}
};

TEST(BalanceCheck, TheOdinAdapterReadsUserIdOfBalancesEventsOnly) {
  auto a = make_adapter(protocol_kind::odin);
  user_recorder r;
  std::string carry;
  for (
      const std::string msg : {
          R"({"type":"event","channel":"BTC.balances","seq":1,"ts":5,"pos":"p","data":{"type":"BALANCE_UPDATED","tokenId":"BTC","timestamp":1,"userId":"user3","balance":1}})",
          R"({"type":"event","channel":"BTC.balances","seq":2,"ts":5,"data":{"type":"TRANSFER_COMPLETED","from":"user3","to":"user4"}})",
          R"({"type":"event","channel":"BTC.community","seq":3,"ts":5,"data":{"userId":"user9"}})",
      }) {
    std::string padded = msg + std::string(64, '\0');
    ASSERT_TRUE(
        a->on_message(std::string_view(padded.data(), msg.size()), padded.size(), carry, r));
  }
  ASSERT_EQ(r.seen.size(), 3u);
  EXPECT_EQ(r.seen[0], std::make_pair(true, std::optional<std::string>("user3")));
  EXPECT_EQ(r.seen[1], std::make_pair(true, std::optional<std::string>()));
  EXPECT_EQ(r.seen[2], std::make_pair(false, std::optional<std::string>()));
}

TEST(BalanceCheck, AForeignEventFailsTheRunAndIsReported) {
  report r;
  r.window_start_us = 1'000'000;
  r.window_end_us = 11'000'000;
  count_balance_event(r.events.balances, "user1", "user1", true);
  EXPECT_TRUE(violations(r, {}).empty());
  EXPECT_EQ(format_table(r).find("VIOLATION"), std::string::npos);
  count_balance_event(r.events.balances, "user1", "user2", true);
  const auto v = violations(r, {});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].find("1 foreign balances events"), std::string::npos) << v[0];
  const std::string table = format_table(r);
  EXPECT_NE(table.find("foreign balances events    1 (VIOLATION)"), std::string::npos) << table;
  const nlohmann::json j = to_json(r);
  EXPECT_EQ(j["events"]["balances"]["foreign_balance_events"], 1);
  EXPECT_EQ(j["events"]["balances"]["own_events"], 1);
  EXPECT_DOUBLE_EQ(j["events"]["balances"]["own_per_second"].get<double>(), 0.1);
  const report back = report_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back.events.balances.foreign, 1u);
  EXPECT_EQ(to_json(back), j);
}

}  // namespace
}  // namespace odin::loadtest
