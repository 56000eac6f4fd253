#include "admin/cluster_limits.h"

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace odin::admin {
namespace {

constexpr const char* kafka_check_key = "log.retention.check.interval.ms";
constexpr const char* redpanda_min_key = "log_segment_ms_min";
constexpr const char* redpanda_check_key = "log_compaction_interval_ms";

std::optional<int64_t> to_ms(std::string_view text) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<int64_t> json_ms(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) return to_ms(it->get<std::string>());
  return std::nullopt;
}

std::string segment_floor_warning(const topic_retention& t, int64_t segment, int64_t floor) {
  return fmt::format(
      "warning: retention {} of topic {} cannot take effect while log_segment_ms_min is {}: the "
      "broker raises the topic's segment.ms {} to {} and deletes only closed segments, so "
      "records stay up to about {}. Lower it: rpk cluster config set log_segment_ms_min {} "
      "(deploy/docker-compose.yml sets it when the cluster is created)",
      format_ms(t.retention_ms), t.topic, format_ms(floor), format_ms(segment), format_ms(floor),
      format_ms(t.retention_ms + floor), segment);
}

std::string check_interval_warning(const topic_retention& t, const cluster_limits& limits) {
  return fmt::format(
      "warning: retention {} of topic {} cannot take effect while {} is {}: the broker applies "
      "retention only that often, so records stay up to about {}",
      format_ms(t.retention_ms), t.topic, limits.retention_check_name,
      format_ms(*limits.retention_check_ms),
      format_ms(t.retention_ms + *limits.retention_check_ms));
}

}  // namespace

std::string format_ms(int64_t ms) {
  if (ms < 0) return "unlimited";
  if (ms < 1000) return fmt::format("{} ms", ms);
  if (ms % 1000 != 0) return fmt::format("{:g} s", static_cast<double>(ms) / 1000.0);
  const int64_t s = ms / 1000;
  const int64_t h = s / 3600, m = (s % 3600) / 60, sec = s % 60;
  std::string out;
  auto part = [&out](int64_t v, const char* unit) {
    if (v == 0) return;
    if (!out.empty()) out += ' ';
    out += fmt::format("{} {}", v, unit);
  };
  part(h, "h");
  part(m, "min");
  part(sec, "s");
  return out;
}

void merge_broker_configs(cluster_limits& limits, const topic_configs& broker) {
  if (!broker.error.empty()) {
    limits.notes.push_back(fmt::format("note: broker {} did not describe its configs: {}",
                                       broker.topic, broker.error));
    return;
  }
  const auto it = broker.entries.find(kafka_check_key);
  if (it == broker.entries.end()) return;
  if (auto ms = to_ms(it->second.value); ms && !limits.retention_check_ms) {
    limits.retention_check_ms = ms;
    limits.retention_check_name = kafka_check_key;
  }
}

admin_result<bool> merge_admin_api(cluster_limits& limits, std::string_view json_body) {
  const nlohmann::json doc = nlohmann::json::parse(json_body, nullptr, false);
  if (!doc.is_object()) {
    return admin_error{admin_errc::protocol,
                       "the Admin API's /v1/cluster_config is not a JSON "
                       "object"};
  }
  if (auto floor = json_ms(doc, redpanda_min_key)) limits.segment_ms_min = floor;
  if (auto check = json_ms(doc, redpanda_check_key)) {
    limits.retention_check_ms = check;
    limits.retention_check_name = redpanda_check_key;
  }
  return limits.segment_ms_min.has_value();
}

std::vector<std::string> retention_warnings(const std::vector<topic_retention>& topics,
                                            const cluster_limits& limits) {
  std::vector<std::string> out;
  for (const topic_retention& t : topics) {
    if (t.retention_ms < 0) continue;
    if (limits.segment_ms_min && t.segment_ms && *t.segment_ms < *limits.segment_ms_min) {
      out.push_back(segment_floor_warning(t, *t.segment_ms, *limits.segment_ms_min));
    }
    if (limits.retention_check_ms && *limits.retention_check_ms > t.retention_ms) {
      out.push_back(check_interval_warning(t, limits));
    }
  }
  return out;
}

std::vector<topic_retention> retentions_of(const std::vector<topic_spec>& specs) {
  std::vector<topic_retention> out;
  for (const topic_spec& spec : specs) {
    topic_retention t{spec.name, -1, std::nullopt};
    if (auto it = spec.configs.find("retention.ms"); it != spec.configs.end()) {
      t.retention_ms = to_ms(it->second).value_or(-1);
    }
    if (auto it = spec.configs.find("segment.ms"); it != spec.configs.end()) {
      t.segment_ms = to_ms(it->second);
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::optional<topic_retention> retention_from(const topic_configs& configs) {
  if (!configs.error.empty()) return std::nullopt;
  topic_retention t{configs.topic, -1, std::nullopt};
  if (auto it = configs.entries.find("retention.ms"); it != configs.entries.end()) {
    t.retention_ms = to_ms(it->second.value).value_or(-1);
  }
  if (auto it = configs.entries.find("segment.ms"); it != configs.entries.end()) {
    t.segment_ms = to_ms(it->second.value);
  }
  return t;
}

cluster_limits read_cluster_limits(kafka_admin& admin, int32_t broker_id,
                                   const std::optional<http_url>& admin_api) {
  cluster_limits limits;
  if (admin_api) {
    auto reply = http_get(*admin_api, "/v1/cluster_config", admin.timeout(),
                          "Redpanda Admin API (--admin-url)");
    if (!reply) {
      limits.notes.push_back("note: cluster config not read: " + reply.error().message);
    } else if (reply.value().status != 200) {
      limits.notes.push_back(
          fmt::format("note: cluster config not read: {}/v1/cluster_config "
                      "answered HTTP {}",
                      admin_api->text, reply.value().status));
    } else if (auto merged = merge_admin_api(limits, reply.value().body); !merged) {
      limits.notes.push_back("note: cluster config not read: " + merged.error().message);
    }
  }
  auto broker = admin.describe_broker_configs(broker_id);
  if (broker) {
    merge_broker_configs(limits, broker.value());
  } else {
    limits.notes.push_back("note: broker configs not read: " + broker.error().message);
  }
  if (!limits.segment_ms_min && !admin_api) {
    limits.notes.push_back(
        "note: log_segment_ms_min not checked: Redpanda raises every topic's segment.ms to it "
        "(10 min by default), which DescribeConfigs does not report; pass --admin-url "
        "http://HOST:9644 (REDPANDA_ADMIN_URL) to check it. Apache Kafka has no such floor.");
  }
  return limits;
}

void print_retention_check(const std::vector<topic_retention>& topics, const cluster_limits& limits,
                           std::ostream& err) {
  for (const std::string& w : retention_warnings(topics, limits)) err << w << '\n';
  for (const std::string& n : limits.notes) err << n << '\n';
}

}  // namespace odin::admin
