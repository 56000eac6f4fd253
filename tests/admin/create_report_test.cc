// The table `odin topics create` prints from the broker's answers (the mock cluster cannot
// answer CreateTopics, so the answers are built here): created / exists / exists with the
// differing keys / failed, and the exit code.
#include <gtest/gtest.h>

#include <sstream>

#include "admin/topic_check.h"
#include "admin/topic_commands.h"

namespace odin::admin {
namespace {

topic_configs as_broker_has_it(const topic_spec& spec) {
  topic_configs tc{spec.name, {}, {}};
  for (const auto& [k, v] : spec.configs) tc.entries[k] = {v, false};
  tc.entries["flush.ms"] = {"9223372036854775807", true};
  return tc;
}

topic_info meta_of(const topic_spec& spec, int partitions) {
  topic_info t{spec.name, {}, {}};
  for (int32_t p = 0; p < partitions; ++p) {
    t.partitions.push_back({p, 1, std::vector<int32_t>(spec.replication_factor, 1), {1}, {}});
  }
  return t;
}

struct printed {
  int code;
  std::string text;
};

printed print(const std::vector<topic_spec>& specs, const std::vector<create_result>& results,
              const cluster_info& cluster, const admin_result<std::vector<topic_configs>>& c) {
  std::ostringstream out;
  const int code = print_create_results(specs, results, cluster, c, out);
  return {code, out.str()};
}

class CreateReport : public ::testing::Test {
 protected:
  CreateReport() : specs_(odin_topic_specs(model::topic_map{}, 3)) {
    specs_.push_back(market_telemetry_spec(3));
    for (const topic_spec& s : specs_) cluster_.topics.push_back(meta_of(s, 12));
  }
  std::vector<create_result> all(create_status status) const {
    std::vector<create_result> r;
    for (const topic_spec& s : specs_) r.push_back({s.name, status, {}});
    return r;
  }
  std::vector<topic_configs> configs_as_specified() const {
    std::vector<topic_configs> c;
    for (const topic_spec& s : specs_) c.push_back(as_broker_has_it(s));
    return c;
  }
  std::vector<topic_spec> specs_;
  cluster_info cluster_;
};

TEST_F(CreateReport, AllCreated) {
  const printed p =
      print(specs_, all(create_status::created), cluster_, std::vector<topic_configs>{});
  EXPECT_EQ(p.code, 0);
  EXPECT_NE(p.text.find("odin.trades       12          3   created\n"), std::string::npos)
      << p.text;
  EXPECT_NE(p.text.find("9 topics: 9 created, 0 already as specified"), std::string::npos)
      << p.text;
}

TEST_F(CreateReport, ExistingAsSpecifiedIsSuccess) {
  const printed p = print(specs_, all(create_status::exists), cluster_, configs_as_specified());
  EXPECT_EQ(p.code, 0) << p.text;
  EXPECT_NE(p.text.find("market-telemetry  12          3   exists\n"), std::string::npos) << p.text;
  EXPECT_NE(p.text.find("0 created, 9 already as specified, 0 differ"), std::string::npos)
      << p.text;
}

TEST_F(CreateReport, DifferingConfigsAreShownKeyByKeyAndFail) {
  auto configs = configs_as_specified();
  configs[1].entries["retention.ms"].value = "120000";  // odin.liquidity
  configs[1].entries["compression.type"].value = "producer";
  configs[3].entries.erase("min.insync.replicas");  // odin.social: e.g. Redpanda
  cluster_.topics[0] = meta_of(specs_[0], 6);       // odin.trades
  const printed p = print(specs_, all(create_status::exists), cluster_, configs);
  EXPECT_EQ(p.code, 1);
  EXPECT_NE(
      p.text.find("odin.liquidity    12          3   exists (2 configs differ: "
                  "compression.type producer \u2260 snappy, retention.ms 120000 \u2260 60000)"),
      std::string::npos)
      << p.text;
  EXPECT_NE(p.text.find("odin.trades       12          3   exists (1 config differs: "
                        "partitions 6 \u2260 12)"),
            std::string::npos)
      << p.text;
  EXPECT_NE(p.text.find("odin.social       12          3   exists [not reported by the broker: "
                        "min.insync.replicas]"),
            std::string::npos)
      << p.text;
  EXPECT_NE(p.text.find("rpk topic alter-config"), std::string::npos) << p.text;
}

TEST_F(CreateReport, FailuresAndUncheckedConfigsFail) {
  auto results = all(create_status::created);
  results[8] = {
      "market-telemetry", create_status::failed,
      "INVALID_REPLICATION_FACTOR: Replication factor: 3 larger than available brokers: 1."};
  results[2].status = create_status::exists;
  admin_result<std::vector<topic_configs>> unanswered =
      admin_error{admin_errc::timed_out, "no answer"};
  const printed p = print(specs_, results, cluster_, unanswered);
  EXPECT_EQ(p.code, 1);
  EXPECT_NE(p.text.find("market-telemetry  12          3   failed: INVALID_REPLICATION_FACTOR"),
            std::string::npos)
      << p.text;
  EXPECT_NE(p.text.find("odin.metadata     12          3   exists (configs not checked"),
            std::string::npos)
      << p.text;
  EXPECT_NE(p.text.find("7 created, 0 already as specified, 1 differ or unchecked, 1 failed"),
            std::string::npos)
      << p.text;
}

}  // namespace
}  // namespace odin::admin

namespace odin::admin {
namespace {

TEST(DescribeReport, ConfigsAreMarkedAgainstTheSpec) {
  const topic_spec spec = odin_topic_specs(model::topic_map{}, 1)[4];  // odin.community
  topic_configs tc = as_broker_has_it(spec);
  tc.entries["segment.ms"].value = "600000";
  tc.entries["retention.bytes"] = {"1000000", false};  // not in the spec, not default: shown
  std::ostringstream out;
  EXPECT_FALSE(print_topic_description(meta_of(spec, 12), &tc, spec, out));
  const std::string text = out.str();
  EXPECT_NE(text.find("odin.community: 12 partitions, replication factor 1\n"
                      "  PARTITION  LEADER  REPLICAS  ISR\n"
                      "  0          1       1         1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  11         1       1         1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  retention.ms         300000   ok\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  segment.ms           600000   \u2260 10000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  retention.bytes      1000000\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("flush.ms"), std::string::npos) << "defaults outside the spec are hidden";
  EXPECT_NE(text.find("differs from the spec: segment.ms 600000 \u2260 10000"), std::string::npos);

  tc.entries["segment.ms"].value = "10000";
  std::ostringstream again;
  EXPECT_TRUE(print_topic_description(meta_of(spec, 12), &tc, spec, again)) << again.str();
}

}  // namespace
}  // namespace odin::admin
