#pragma once
// The Confluent Schema Registry API subset `odin schemas register` needs (Redpanda's built-in
// registry speaks it): POST /subjects/{subject} (is this schema registered under the subject?)
// and POST /subjects/{subject}/versions (register it). Bodies are
// {"schema": "...", "schemaType": "JSON"|"AVRO"}, Content-Type
// application/vnd.schemaregistry.v1+json; errors come back as {"error_code":..,"message":..}.
#include <chrono>
#include <optional>

#include "admin/admin_error.h"
#include "admin/http_client.h"
#include "admin/schema_subjects.h"

namespace odin::admin {

inline constexpr const char* registry_content_type = "application/vnd.schemaregistry.v1+json";

struct registered_schema {
  int id = 0;
  int version = 0;
};

struct lookup_answer {
  std::optional<registered_schema> found;  // the schema is registered under the subject
  bool subject_exists = false;             // when not found: 40403 (true) vs 40401 (false)
};

class registry_client {
 public:
  registry_client(http_url url, std::chrono::milliseconds timeout);

  admin_result<lookup_answer> lookup(const schema_subject& subject);
  // The schema id the registry assigned (or already had).
  admin_result<int> register_schema(const schema_subject& subject);

  const http_url& url() const { return url_; }

 private:
  admin_result<http_reply> post(const std::string& target, const schema_subject& subject);
  admin_error registry_error(const http_reply& reply) const;

  http_url url_;
  std::chrono::milliseconds timeout_;
};

}  // namespace odin::admin
