#include "web/assets.h"

#include <algorithm>
#include <vector>

namespace odin::web {
namespace {

std::string_view content_type_of(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  return "application/octet-stream";
}

std::vector<asset> build_table() {
  std::vector<asset> table;
  for (const detail::embedded_file& f : detail::embedded_files()) {
    const std::string_view type = content_type_of(f.path);
    table.push_back(asset{f.path, type, f.text, type.starts_with("text/html")});
  }
  std::sort(table.begin(), table.end(),
            [](const asset& a, const asset& b) { return a.path < b.path; });
  return table;
}

const std::vector<asset>& table() {
  static const std::vector<asset> t = build_table();
  return t;
}

}  // namespace

std::span<const asset> assets() {
  return table();
}

const asset* find_asset(std::string_view path) {
  if (path == "/") path = "/index.html";
  const auto& t = table();
  const auto it = std::lower_bound(t.begin(), t.end(), path,
                                   [](const asset& a, std::string_view p) { return a.path < p; });
  return it != t.end() && it->path == path ? &*it : nullptr;
}

}  // namespace odin::web
