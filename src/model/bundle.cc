#include "model/bundle.h"

#include <array>
#include <vector>

namespace odin::model {
namespace {

constexpr std::array<kind, 3> trading = {kind::trade, kind::liquidity, kind::analytics};
constexpr std::array<kind, 4> full_market = {kind::trade, kind::liquidity, kind::analytics,
                                             kind::metadata};
constexpr std::array<kind, 3> community = {kind::community, kind::social, kind::metadata};
constexpr std::array<kind, 3> portfolio = {kind::trade, kind::analytics, kind::balances};
constexpr std::array<kind, 2> price_only = {kind::trade, kind::analytics};

struct bundle_info {
  std::string_view name;
  std::span<const kind> kinds;
};

const std::array<bundle_info, bundle_count> infos = {{
    {"TRADING", trading},
    {"FULL_MARKET", full_market},
    {"COMMUNITY", community},
    {"PORTFOLIO", portfolio},
    {"PRICE_ONLY", price_only},
    {"ALL", all_kinds},
}};

constexpr std::array<bundle, bundle_count> bundles = {
    bundle::trading,   bundle::full_market, bundle::community,
    bundle::portfolio, bundle::price_only,  bundle::all,
};

const bundle_info& info(bundle b) {
  return infos[static_cast<std::size_t>(b)];
}

}  // namespace

std::span<const bundle> all_bundles() {
  return bundles;
}
std::string_view to_string(bundle b) {
  return info(b).name;
}
std::span<const kind> kinds_of(bundle b) {
  return info(b).kinds;
}

kind_set kind_set_of(bundle b) {
  kind_set set;
  for (kind k : kinds_of(b)) set.insert(k);
  return set;
}

std::optional<bundle> parse_bundle(std::string_view name) {
  for (bundle b : bundles) {
    if (info(b).name == name) return b;
  }
  return std::nullopt;
}

}  // namespace odin::model
