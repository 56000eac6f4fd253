#include "schema/catalog.h"

#include <array>
#include <string>

#include "schema/embedded_files.h"

namespace odin::schema {
namespace {

std::string_view embedded_text(std::string_view name) {
  for (const embedded_file& f : embedded_files()) {
    if (f.name == name) return f.text;
  }
  return {};
}

struct json_files {
  std::array<std::string, model::event_type_count> names;
  std::array<std::string_view, model::event_type_count> texts;

  json_files() {
    for (model::event_type t : model::all_event_types()) {
      const auto i = static_cast<std::size_t>(t);
      names[i] = std::string(model::to_string(t)) + ".json";
      texts[i] = embedded_text(names[i]);
    }
  }
};

const json_files& files() {
  static const json_files f;
  return f;
}

}  // namespace

std::string_view json_schema(model::event_type type) {
  return files().texts.at(static_cast<std::size_t>(type));
}

std::string_view json_schema_file(model::event_type type) {
  return files().names.at(static_cast<std::size_t>(type));
}

std::string_view market_telemetry_avsc() {
  static const std::string_view text = embedded_text(market_telemetry_avsc_file);
  return text;
}

}  // namespace odin::schema
