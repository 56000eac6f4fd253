#pragma once
// Command line of odin_ingest_load (ingest_load.cc).
#include <optional>
#include <string>
#include <vector>

namespace odin::bench {

struct load_options {
  std::string host = "127.0.0.1";
  int port = 3003;
  int batch = 100;               // events per request (1: a single object, not an array)
  int connections = 8;           // keep-alive connections, one request in flight each
  double duration = 10;          // measured window, seconds
  double warmup = 2;             // seconds before the window (not counted)
  int tokens = 1000;             // token pool T0 … T<tokens-1>
  std::string api_key;           // Authorization: Bearer <key> when set
  std::vector<int> server_pids;  // processes whose CPU is measured in the window
};

// Fills `o`; returns an error message (or the usage text, starting with "usage") to print.
std::optional<std::string> parse_load_options(int argc, char** argv, load_options& o);

}  // namespace odin::bench
