// `odin schemas register` against an in-test registry (fake_registry.h) speaking the
// documented Confluent API subset: first run registers all 24 subjects, a second run changes
// nothing, a changed schema becomes a new version, registry errors are reported.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "admin/fake_registry.h"
#include "admin/schema_commands.h"
#include "schema/catalog.h"
#include "support/process.h"

namespace odin::admin {
namespace {

using namespace std::chrono_literals;

registry_client client_for(const std::string& url, std::chrono::milliseconds timeout = 5s) {
  auto parsed = parse_http_url(url);
  EXPECT_TRUE(parsed) << url;
  return registry_client(parsed.value(), timeout);
}

struct run_result {
  int code;
  std::string out, err;
};

run_result run(registry_client& c, const std::vector<schema_subject>& subjects,
               bool dry_run = false) {
  std::ostringstream out, err;
  const int code = run_schemas_register(c, subjects, dry_run, out, err);
  return {code, out.str(), err.str()};
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(SchemaSubjects, TopicRecordNamesForEventsAndTopicNameForTelemetry) {
  model::topic_map topics;
  topics.set(model::kind::trade, "prod.trades");
  const auto subjects = odin_schema_subjects(topics);
  ASSERT_EQ(subjects.size(), 24u);
  EXPECT_EQ(subjects[0].subject, "prod.trades-TRADE_EXECUTED");
  EXPECT_EQ(subjects[0].schema_type, "JSON");
  EXPECT_EQ(subjects[0].source, "schemas/TRADE_EXECUTED.json");
  EXPECT_EQ(subjects[21].subject, "odin.balances-BALANCE_UPDATED");
  EXPECT_EQ(subjects[23].subject, "market-telemetry-value");
  EXPECT_EQ(subjects[23].schema_type, "AVRO");
  for (const auto& s : subjects) EXPECT_FALSE(s.schema.empty()) << s.source << " is embedded";
}

TEST(Registry, FirstRunRegistersAll24SubjectsWithTypeAndText) {
  test::fake_registry registry;
  registry_client client = client_for(registry.url());
  const auto subjects = odin_schema_subjects(model::topic_map{});
  const run_result r = run(client, subjects);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(count_of(r.out, "registered (new subject, id "), 24) << r.out;

  const auto stored = registry.subjects();
  ASSERT_EQ(stored.size(), 24u);
  for (model::event_type t : model::all_event_types()) {
    const std::string subject =
        model::topic_map{}.topic_of(t) + "-" + std::string(model::to_string(t));
    ASSERT_EQ(stored.count(subject), 1u) << subject;
    ASSERT_EQ(stored.at(subject).size(), 1u);
    EXPECT_EQ(stored.at(subject)[0].schema_type, "JSON");
    EXPECT_EQ(stored.at(subject)[0].schema, schema::json_schema(t));
  }
  ASSERT_EQ(stored.count("market-telemetry-value"), 1u);
  EXPECT_EQ(stored.at("market-telemetry-value")[0].schema_type, "AVRO");
  EXPECT_EQ(stored.at("market-telemetry-value")[0].schema, schema::market_telemetry_avsc());
  for (const auto& req : registry.requests()) {
    EXPECT_EQ(req.content_type, "application/vnd.schemaregistry.v1+json") << req.target;
  }
}

TEST(Registry, SecondRunReportsEverythingUnchangedAndRegistersNothing) {
  test::fake_registry registry;
  registry_client client = client_for(registry.url());
  const auto subjects = odin_schema_subjects(model::topic_map{});
  ASSERT_EQ(run(client, subjects).code, 0);
  const std::size_t before = registry.requests().size();
  const run_result r = run(client, subjects);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(count_of(r.out, "unchanged (version 1, id "), 24) << r.out;
  const auto requests = registry.requests();
  EXPECT_EQ(requests.size(), before + 24) << "one lookup per subject, no registration";
  for (std::size_t i = before; i < requests.size(); ++i) {
    EXPECT_FALSE(requests[i].target.ends_with("/versions")) << requests[i].target;
  }
}

TEST(Registry, AChangedSchemaBecomesANewVersion) {
  test::fake_registry registry;
  registry_client client = client_for(registry.url());
  auto subjects = odin_schema_subjects(model::topic_map{});
  ASSERT_EQ(run(client, subjects).code, 0);
  auto doc = nlohmann::json::parse(subjects[0].schema);
  doc["description"] = "changed";
  const std::string changed = doc.dump();
  subjects[0].schema = changed;
  const run_result r = run(client, subjects);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("odin.trades-TRADE_EXECUTED"), std::string::npos);
  EXPECT_EQ(count_of(r.out, "new version (id "), 1) << r.out;
  EXPECT_EQ(count_of(r.out, ", version 2)"), 1) << r.out;
  EXPECT_EQ(count_of(r.out, "unchanged (version 1"), 23) << r.out;
  EXPECT_EQ(registry.subjects().at("odin.trades-TRADE_EXECUTED").at(1).schema, changed);
}

TEST(Registry, DryRunOnlyLooksUp) {
  test::fake_registry registry;
  registry_client client = client_for(registry.url());
  const run_result r = run(client, odin_schema_subjects(model::topic_map{}), true);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(count_of(r.out, "would register (new subject)"), 24) << r.out;
  EXPECT_TRUE(registry.subjects().empty());
  EXPECT_EQ(registry.requests().size(), 24u);
}

TEST(Registry, ARegistryErrorIsReportedWithItsCodeAndMessage) {
  test::fake_registry registry;
  registry.fail_register("odin.social-TWITTER_VERIFIED", 409, 409,
                         "Schema being registered is incompatible with an earlier schema");
  registry_client client = client_for(registry.url());
  const run_result r = run(client, odin_schema_subjects(model::topic_map{}));
  EXPECT_EQ(r.code, 1);
  const std::string expected =
      "failed: HTTP 409 error_code 409: Schema being registered is incompatible with an "
      "earlier schema";
  EXPECT_NE(r.out.find(expected), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("odin.social-TWITTER_VERIFIED: HTTP 409"), std::string::npos) << r.err;
  EXPECT_EQ(count_of(r.out, "registered (new subject"), 23) << "the others still go through";
}

TEST(Registry, ASilentRegistryTimesOutAndTheRestAreSkipped) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(  // listens, never accepts: the request goes unanswered
      io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
  registry_client client = client_for(url, 300ms);
  const auto start = std::chrono::steady_clock::now();
  const run_result r = run(client, odin_schema_subjects(model::topic_map{}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("no answer from schema registry " + url + " within 0.3 s"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(count_of(r.out, "skipped (registry unreachable)"), 23) << r.out;
}

TEST(Registry, NothingListeningIsAConnectError) {
  const std::string url = "http://127.0.0.1:" + std::to_string(test::free_port());
  registry_client client = client_for(url, 2s);
  const run_result r = run(client, odin_schema_subjects(model::topic_map{}));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("could not connect"), std::string::npos) << r.out;
}

TEST(HttpUrl, ParsesHostPortAndPrefix) {
  auto u = parse_http_url("http://localhost:8081/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u.value().host, "localhost");
  EXPECT_EQ(u.value().port, "8081");
  EXPECT_EQ(u.value().base_path, "");
  EXPECT_EQ(u.value().text, "http://localhost:8081");
  u = parse_http_url("http://[::1]:18081/registry");
  ASSERT_TRUE(u);
  EXPECT_EQ(u.value().host, "::1");
  EXPECT_EQ(u.value().port, "18081");
  EXPECT_EQ(u.value().base_path, "/registry");
  EXPECT_EQ(parse_http_url("http://redpanda").value().port, "80");
  EXPECT_FALSE(parse_http_url("https://x:8081"));
  EXPECT_NE(parse_http_url("https://x:8081").error().message.find("https"), std::string::npos);
  EXPECT_FALSE(parse_http_url("redpanda:8081"));
  EXPECT_FALSE(parse_http_url("http://host:80a"));
  EXPECT_EQ(url_encode_segment("odin.trades-TRADE_EXECUTED"), "odin.trades-TRADE_EXECUTED");
  EXPECT_EQ(url_encode_segment("a b/c"), "a%20b%2Fc");
}

}  // namespace
}  // namespace odin::admin
