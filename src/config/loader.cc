#include "config/loader.h"

#include <unistd.h>

#include <filesystem>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "config/env_file.h"
#include "config/gateway_auth.h"
#include "config/kafka_security.h"
#include "config/publisher_access.h"
#include "config/value_parsers.h"

namespace odin::config {
namespace {

struct chosen_value {
  std::string value;
  std::string origin;  // for error messages: "from the environment; flag --addr"
};

std::optional<std::string> lookup(const std::map<std::string, std::string>& vars,
                                  std::string_view name) {
  const auto it = vars.find(std::string(name));
  if (it == vars.end() || trim(it->second).empty()) return std::nullopt;  // empty = unset
  return it->second;
}

// The value of one setting by precedence: flag > environment > .env; nullopt = default.
std::optional<chosen_value> choose(const setting_row& row, const CLI::Option& flag,
                                   const std::string& flag_value,
                                   const std::map<std::string, std::string>& env,
                                   const std::map<std::string, std::string>& dotenv,
                                   const std::string& env_file) {
  if (flag.count() > 0) return chosen_value{flag_value, fmt::format("from flag {}", row.flag)};
  if (auto v = lookup(env, row.env)) {
    return chosen_value{*v, fmt::format("from the environment; flag {}", row.flag)};
  }
  if (auto v = lookup(dotenv, row.env)) {
    return chosen_value{*v, fmt::format("from {}; flag {}", env_file, row.flag)};
  }
  return std::nullopt;
}

bool known_variable(std::string_view name) {
  if (kafka_property_name(name)) return true;  // KAFKA_PROPERTY_<NAME> pass-through
  for (const auto& row : setting_rows()) {
    if (row.env == name) return true;
  }
  for (const auto& ignored : ignored_variables()) {
    if (ignored.env == name) return true;
  }
  return false;
}

bool has_odin_prefix(std::string_view name) {
  for (std::string_view prefix : {"WS_", "KAFKA_", "BUS_", "SIM_", "LOG_", "PUBLISHER_"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> vars;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view kv(*entry);
    const std::size_t eq = kv.find('=');
    if (eq != std::string_view::npos) vars.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return vars;
}

loader::loader(CLI::App& cmd, unsigned groups, std::string default_log_format)
    : groups_(groups), default_log_format_(std::move(default_log_format)) {
  env_file_option_ =
      cmd.add_option("--env-file", env_file_,
                     "read settings from this file instead of ./.env (it must exist); "
                     "precedence: defaults < .env < environment < flags")
          ->type_name("PATH");
  const settings defaults = default_settings(default_log_format_);
  const auto rows = setting_rows();
  flag_values_.resize(rows.size());  // never resized again: CLI11 keeps pointers into it
  flag_options_.assign(rows.size(), nullptr);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const setting_row& row = rows[i];
    if ((row.group & groups_) == 0) continue;
    const std::string shown = row.show(defaults);
    const std::string help =
        fmt::format("{} [env {}, default {}]", row.help, row.env, shown.empty() ? "none" : shown);
    flag_options_[i] = cmd.add_option(std::string(row.flag), flag_values_[i], help)
                           ->type_name(std::string(row.type))
                           ->group(std::string(group_title(row.group)));
  }
  if ((groups_ & kafka_group) != 0) {
    cmd.add_option("--kafka-property", kafka_property_flags_,
                   "any librdkafka property, repeatable: --kafka-property "
                   "socket.keepalive.enable=true [env KAFKA_PROPERTY_<NAME>: upper case, '.' "
                   "written '_', '_' written '__', '-' written '___']")
        ->type_name("NAME=VALUE")
        ->group(std::string(group_title(kafka_bit)));
  }
}

settings loader::finish(const std::map<std::string, std::string>* env,
                        const std::string& default_env_file) const {
  settings s = default_settings(default_log_format_);
  std::map<std::string, std::string> dotenv;
  if (env_file_option_->count() > 0) {
    s.env_file = env_file_;
  } else if (!default_env_file.empty() && std::filesystem::exists(default_env_file)) {
    s.env_file = default_env_file;
  }
  if (!s.env_file.empty()) dotenv = parse_env_file(s.env_file);
  const std::map<std::string, std::string> process = env ? *env : process_environment();

  std::map<std::string_view, std::string> applied;  // variable -> value used
  const auto rows = setting_rows();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (flag_options_[i] == nullptr) continue;
    const setting_row& row = rows[i];
    const auto chosen =
        choose(row, *flag_options_[i], flag_values_[i], process, dotenv, s.env_file);
    if (!chosen) continue;
    try {
      row.apply(s, trim(chosen->value));
    } catch (const invalid_value& e) {
      const std::string shown = is_secret_setting(row.env) ? "(redacted)" : chosen->value;
      throw config_error(
          fmt::format("{}=\"{}\": {} ({})", row.env, shown, e.what(), chosen->origin));
    }
    applied.emplace(row.env, std::string(trim(chosen->value)));
  }
  check_combinations(s);
  if ((groups_ & kafka_group) != 0) {
    collect_kafka_properties(s, dotenv, process);
    s.kafka.extra = kafka_security_properties(s.kafka_security, s.warnings);
  }
  if ((groups_ & publisher_group) != 0) apply_publisher_access(s);
  if ((groups_ & gateway_group) != 0) apply_gateway_auth(s);
  add_warnings(s, dotenv, process, applied);
  return s;
}

void loader::check_combinations(const settings& s) const {
  if ((groups_ & kafka_group) == 0) return;
  if (std::string reason = s.kafka.topics.validate(); !reason.empty()) {
    throw config_error(
        fmt::format("{}: every kind needs its own topic (KAFKA_TOPIC_*, --topic-*)", reason));
  }
  if (s.kafka.delivery_timeout <= s.kafka.linger) {
    throw config_error(fmt::format(
        "KAFKA_DELIVERY_TIMEOUT_MS={} must be greater than KAFKA_LINGER_MS={} (librdkafka: "
        "message.timeout.ms must be greater than linger.ms)",
        s.kafka.delivery_timeout.count(), s.kafka.linger.count()));
  }
}

// KAFKA_PROPERTY_<NAME> from .env, then the environment, then --kafka-property (later wins).
void loader::collect_kafka_properties(settings& s, const std::map<std::string, std::string>& dotenv,
                                      const std::map<std::string, std::string>& env) const {
  auto& props = s.kafka_security.properties;
  for (const auto* vars : {&dotenv, &env}) {
    for (const auto& [variable, value] : *vars) {
      if (!variable.starts_with(kafka_property_prefix) || trim(value).empty()) continue;
      const auto name = kafka_property_name(variable);
      if (!name) {
        throw config_error(fmt::format(
            "{}: not a property name (KAFKA_PROPERTY_ then letters, digits and single, double "
            "or triple underscores for '.', '_' and '-')",
            variable));
      }
      const std::string from = vars == &env ? "the environment" : s.env_file;
      props[*name] = {std::string(trim(value)), fmt::format("{} from {}", variable, from)};
    }
  }
  for (const auto& flag : kafka_property_flags_) {
    const std::size_t eq = flag.find('=');
    const std::string name(trim(std::string_view(flag).substr(0, eq)));
    if (eq == std::string::npos || name.empty()) {
      throw config_error(
          fmt::format("--kafka-property {}: expected NAME=VALUE (a librdkafka property)", flag));
    }
    props[name] = {std::string(trim(std::string_view(flag).substr(eq + 1))),
                   fmt::format("flag --kafka-property {}", name)};
  }
}

void loader::add_warnings(settings& s, const std::map<std::string, std::string>& dotenv,
                          const std::map<std::string, std::string>& env,
                          const std::map<std::string_view, std::string>& applied) const {
  const auto is_set = [&](std::string_view name) {
    return lookup(env, name).has_value() || lookup(dotenv, name).has_value();
  };
  if ((groups_ & gateway_group) != 0) {
    for (const auto& ignored : ignored_variables()) {
      if (is_set(ignored.env)) {
        s.warnings.push_back(fmt::format("{} is set but ignored: {}", ignored.env, ignored.reason));
      }
    }
  }
  std::set<std::string> unknown;
  for (const auto* vars : {&dotenv, &env}) {
    for (const auto& entry : *vars) {
      if (has_odin_prefix(entry.first) && !known_variable(entry.first)) unknown.insert(entry.first);
    }
  }
  for (const auto& name : unknown) {
    s.warnings.push_back(fmt::format("{} is not a setting odin knows (a typo?); ignored", name));
  }
  const auto pool = applied.find("SIM_TOKEN_POOL");
  if (applied.contains("SIM_TOKENS") && pool != applied.end() &&
      parse_whole(pool->second, 0, UINT64_MAX) > 0) {
    s.warnings.push_back("SIM_TOKEN_POOL is above 0: it replaces SIM_TOKENS");
  }
}

}  // namespace odin::config
