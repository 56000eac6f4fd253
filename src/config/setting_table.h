#pragma once
// The table of settings: environment variable, flag, group, help, parser and default printer.
// One row per setting; src/config/README.md documents the same table for operators.
#include <span>
#include <string>
#include <string_view>

#include "config/settings.h"

namespace odin::config {

// Bits of loader::group (config/loader.h).
inline constexpr unsigned gateway_bit = 1, kafka_bit = 2, memory_bit = 4, sim_bit = 8, log_bit = 16,
                          publisher_bit = 32;

struct setting_row {
  std::string_view env;   // "WS_ADDR"
  std::string_view flag;  // "--addr"
  unsigned group;         // one of the *_bit values
  std::string_view type;  // shown in --help: ADDR, N, BYTES, DURATION ...
  std::string_view help;  // what it means
  // Parses `value` into `s`; throws invalid_value with what is allowed.
  void (*apply)(settings& s, std::string_view value);
  // The current value of `s` as text (used to print defaults).
  std::string (*show)(const settings& s);
};

std::span<const setting_row> setting_rows();

// Settings whose values are secrets: never echoed in errors, --help or logs.
bool is_secret_setting(std::string_view env);

// The plan's (docs/plan.md) variables that have no meaning in this design: accepted, warned about.
struct ignored_variable {
  std::string_view env;
  std::string_view reason;
};

std::span<const ignored_variable> ignored_variables();

std::string_view group_title(unsigned bit);  // "Gateway" ...

}  // namespace odin::config
