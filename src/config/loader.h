#pragma once
// Settings of one `odin` subcommand, from (lowest to highest precedence) built-in defaults,
// an optional .env file (./.env, or --env-file PATH), the process environment and flags.
//
//   CLI::App& gw = app.add_subcommand("gateway", "...");
//   config::loader cfg(*gw, config::loader::gateway_group | config::loader::kafka_group |
//                              config::loader::log_group);
//   app.parse(argc, argv);
//   config::settings s = cfg.finish();  // throws config_error on a bad value
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "config/setting_table.h"
#include "config/settings.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace odin::config {

class loader {
 public:
  enum group : unsigned {
    gateway_group = gateway_bit,
    kafka_group = kafka_bit,
    memory_group = memory_bit,
    sim_group = sim_bit,
    log_group = log_bit,
    publisher_group = publisher_bit,
    all_groups = gateway_bit | kafka_bit | memory_bit | sim_bit | log_bit | publisher_bit,
  };

  // Adds --env-file and one flag per setting of `groups` to `cmd` (help text names the
  // variable and default). CLI11 writes into this object: keep it alive and in place until
  // finish(). `default_log_format` is LOG_FORMAT's default ("text" suits `odin dev`).
  loader(CLI::App& cmd, unsigned groups, std::string default_log_format = "json");
  loader(const loader&) = delete;
  loader& operator=(const loader&) = delete;

  // Call after cmd was parsed. `env` stands in for the process environment (tests);
  // `default_env_file` is read when --env-file was not given, and skipped if it does not
  // exist. Throws config_error naming the variable, flag, bad value and what is allowed.
  settings finish(const std::map<std::string, std::string>* env = nullptr,
                  const std::string& default_env_file = ".env") const;

  unsigned groups() const { return groups_; }

 private:
  void check_combinations(const settings& s) const;
  void collect_kafka_properties(settings& s, const std::map<std::string, std::string>& dotenv,
                                const std::map<std::string, std::string>& env) const;
  void add_warnings(settings& s, const std::map<std::string, std::string>& dotenv,
                    const std::map<std::string, std::string>& env,
                    const std::map<std::string_view, std::string>& applied) const;

  unsigned groups_;
  std::string default_log_format_;
  std::string env_file_;
  CLI::Option* env_file_option_ = nullptr;
  std::vector<std::string> flag_values_;           // one per setting_rows() entry
  std::vector<CLI::Option*> flag_options_;         // nullptr where the group is not registered
  std::vector<std::string> kafka_property_flags_;  // --kafka-property NAME=VALUE (repeatable)
};

// Every variable name of the process environment (a copy of `environ`).
std::map<std::string, std::string> process_environment();

}  // namespace odin::config
