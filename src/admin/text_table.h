#pragma once
// A plain-text table for the CLI: columns padded to their widest cell, two spaces apart; the
// last column is not padded.
#include <ostream>
#include <string>
#include <vector>

namespace odin::admin {

class text_table {
 public:
  explicit text_table(std::vector<std::string> headers, std::string indent = "");
  void add(std::vector<std::string> row);
  void print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] = headers
  std::string indent_;
};

}  // namespace odin::admin
