// The schema id from a registry: found under <topic>-value once `schemas register` put it
// there; a clear message otherwise.
#include <gtest/gtest.h>

#include "admin/fake_registry.h"
#include "admin/schema_commands.h"
#include "admin/schema_subjects.h"
#include "verify/registry_id.h"

namespace odin::verify {
namespace {

using namespace std::chrono_literals;

admin::registry_client client_for(const std::string& url) {
  auto parsed = admin::parse_http_url(url);
  EXPECT_TRUE(parsed);
  return admin::registry_client(parsed.value(), 5s);
}

TEST(RegistryId, FoundAfterSchemasRegister) {
  test::fake_registry registry;
  auto client = client_for(registry.url());
  auto missing = registered_schema_id(client, "market-telemetry");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("market-telemetry-value does not hold"), std::string::npos)
      << missing.error().message;
  EXPECT_NE(missing.error().message.find("odin schemas register --registry " + registry.url()),
            std::string::npos);

  // What `odin schemas register` does: 23 event subjects first, market-telemetry-value last.
  const auto subjects = admin::odin_schema_subjects(model::topic_map{});
  const auto outcomes = admin::register_subjects(client, subjects, false);
  ASSERT_EQ(outcomes.back().subject, "market-telemetry-value");
  const int expected = outcomes.back().schema.id;
  EXPECT_GT(expected, 1);
  auto id = registered_schema_id(client, "market-telemetry");
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id.value(), expected);
  EXPECT_EQ(registry.requests().back().target, "/subjects/market-telemetry-value");
}

TEST(RegistryId, UnreachableRegistryIsAnError) {
  auto client = client_for("http://127.0.0.1:1");
  auto id = registered_schema_id(client, "market-telemetry");
  ASSERT_FALSE(id);
  EXPECT_FALSE(id.error().message.empty());
}

}  // namespace
}  // namespace odin::verify
