#include "model/kind.h"

namespace odin::model {
namespace {

struct kind_info {
  std::string_view name;
  std::string_view topic;
  std::string_view env_suffix;
};

constexpr std::array<kind_info, kind_count> infos = {{
    {"trade", "odin.trades", "TRADES"},
    {"liquidity", "odin.liquidity", "LIQUIDITY"},
    {"metadata", "odin.metadata", "METADATA"},
    {"social", "odin.social", "SOCIAL"},
    {"community", "odin.community", "COMMUNITY"},
    {"creation", "odin.creation", "CREATION"},
    {"analytics", "odin.analytics", "ANALYTICS"},
    {"balances", "odin.balances", "BALANCES"},
}};

}  // namespace

std::string_view to_string(kind k) {
  return infos[index(k)].name;
}
std::string_view default_topic(kind k) {
  return infos[index(k)].topic;
}
std::string_view topic_env_suffix(kind k) {
  return infos[index(k)].env_suffix;
}

std::optional<kind> parse_kind(std::string_view name) {
  for (kind k : all_kinds) {
    if (infos[index(k)].name == name) return k;
  }
  return std::nullopt;
}

}  // namespace odin::model
