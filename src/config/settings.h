#pragma once
// Everything a subcommand of `odin` can be configured with, after defaults, .env, the
// environment and flags were merged and validated (config/loader.h).
#include <string>
#include <vector>

#include "bus/kafka_options.h"
#include "bus/memory_options.h"
#include "config/kafka_security.h"
#include "gateway/options.h"
#include "publisher/options.h"
#include "sim/options.h"

namespace odin::config {

struct settings {
  gateway::options gateway;
  bus::kafka_options kafka;
  kafka_security_settings
      kafka_security;  // KAFKA_SECURITY_*, KAFKA_SASL_*, KAFKA_TLS_*, KAFKA_PROPERTY_*
  bus::memory_options memory;
  sim::options sim;
  publisher::options publisher;
  // PUBLISHER_API_KEYS (secret) and PUBLISHER_API_KEYS_FILE: loaded into publisher.api_keys by
  // config/publisher_access.cc, which also settles publisher.host ("" = not given).
  std::string publisher_api_keys;
  std::string publisher_api_keys_file;
  // WS_AUTH ("" = by key), WS_JWT_SECRET (secret), WS_JWT_SECRET_FILE: settled into
  // gateway.auth by config/gateway_auth.cc.
  std::string ws_auth;
  std::string ws_jwt_secret;
  std::string ws_jwt_secret_file;
  std::string log_level = "info";           // LOG_LEVEL
  std::string log_format = "json";          // LOG_FORMAT
  std::string environment = "development";  // ENVIRONMENT
  std::string env_file;                     // the .env file that was read ("" = none)
  std::vector<std::string> warnings;        // to log once logging is set up
};

// The defaults: the option structs' own, docs/plan.md's where it differs (KAFKA_BROKERS).
settings default_settings(std::string log_format = "json");

}  // namespace odin::config
