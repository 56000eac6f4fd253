#include "admin/registry_client.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace odin::admin {
namespace {

using json = nlohmann::json;

constexpr int subject_not_found = 40401;
constexpr int schema_not_found = 40403;

int json_int(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_number_integer() ? it->get<int>() : -1;
}

std::string short_body(const std::string& body) {
  constexpr std::size_t limit = 200;
  return body.size() <= limit ? body : body.substr(0, limit) + "...";
}

}  // namespace

registry_client::registry_client(http_url url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

admin_result<http_reply> registry_client::post(const std::string& target,
                                               const schema_subject& subject) {
  const json body = {{"schema", subject.schema}, {"schemaType", subject.schema_type}};
  return http_post(url_, target, body.dump(), registry_content_type, timeout_,
                   "schema registry (--registry)");
}

admin_error registry_client::registry_error(const http_reply& reply) const {
  const json doc = json::parse(reply.body, nullptr, false);
  if (doc.is_object() && doc.contains("message")) {
    return {admin_errc::broker,
            fmt::format("HTTP {} error_code {}: {}", reply.status, json_int(doc, "error_code"),
                        doc["message"].is_string() ? doc["message"].get<std::string>()
                                                   : doc["message"].dump())};
  }
  return {admin_errc::broker, fmt::format("HTTP {}: {}", reply.status, short_body(reply.body))};
}

admin_result<lookup_answer> registry_client::lookup(const schema_subject& subject) {
  auto reply = post("/subjects/" + url_encode_segment(subject.subject), subject);
  if (!reply) return reply.error();
  const http_reply& r = reply.value();
  const json doc = json::parse(r.body, nullptr, false);
  if (r.status == 200) {
    const int id = json_int(doc, "id");
    const int version = json_int(doc, "version");
    if (id < 0 || version < 0) {
      return admin_error{admin_errc::protocol,
                         fmt::format("unexpected lookup answer: {}", short_body(r.body))};
    }
    return lookup_answer{registered_schema{id, version}, true};
  }
  if (r.status == 404) {
    const int code = json_int(doc, "error_code");
    if (code == subject_not_found) return lookup_answer{std::nullopt, false};
    if (code == schema_not_found) return lookup_answer{std::nullopt, true};
  }
  return registry_error(r);
}

admin_result<int> registry_client::register_schema(const schema_subject& subject) {
  auto reply = post("/subjects/" + url_encode_segment(subject.subject) + "/versions", subject);
  if (!reply) return reply.error();
  const http_reply& r = reply.value();
  if (r.status != 200) return registry_error(r);
  const int id = json_int(json::parse(r.body, nullptr, false), "id");
  if (id < 0) {
    return admin_error{admin_errc::protocol,
                       fmt::format("unexpected register answer: {}", short_body(r.body))};
  }
  return id;
}

}  // namespace odin::admin
