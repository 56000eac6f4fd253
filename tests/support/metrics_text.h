#pragma once
// The one Prometheus text-format reader of the test suites: the value of one sample.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace odin::test {

// The value of the sample line `sample` ("name" or "name{labels}", exactly as exported) of a
// Prometheus text page, if there is one. Comment lines (# HELP, # TYPE) never match.
inline std::optional<double> metric_value(std::string_view page, std::string_view sample) {
  std::size_t at = 0;
  while (at < page.size()) {
    const std::size_t end = std::min(page.find('\n', at), page.size());
    const std::string_view line = page.substr(at, end - at);
    at = end + 1;
    if (line.size() > sample.size() && line.substr(0, sample.size()) == sample &&
        line[sample.size()] == ' ') {
      return std::stod(std::string(line.substr(sample.size() + 1)));
    }
  }
  return std::nullopt;
}

}  // namespace odin::test
