#include "ingest/load_options.h"

#include <cstdlib>
#include <string_view>

namespace odin::bench {
namespace {

constexpr const char* usage =
    "usage: odin_ingest_load [--host 127.0.0.1] [--port 3003] [--batch 100] [--connections 8]\n"
    "                        [--duration 10] [--warmup 2] [--tokens 1000] [--api-key KEY]\n"
    "                        [--server-pid PID]...\n"
    "POSTs batches of TRADE_EXECUTED events to /events over keep-alive connections (one\n"
    "request in flight each, one epoll thread) and prints a JSON report: events/s answered\n"
    "202, request latency p50/p90/p99/p99.9/max, server CPU µs per event (--server-pid).\n"
    "Exit 0 when every answer was 202, 1 otherwise, 2 when the server cannot be reached.";

bool number(const char* text, double lo, double hi, double& out) {
  char* end = nullptr;
  out = std::strtod(text, &end);
  return end != text && *end == '\0' && out >= lo && out <= hi;
}

}  // namespace

std::optional<std::string> parse_load_options(int argc, char** argv, load_options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") return std::string(usage);
    if (i + 1 >= argc) return "odin_ingest_load: " + std::string(flag) + " needs a value\n" + usage;
    const char* value = argv[++i];
    double v = 0;
    auto whole = [&](double lo, double hi, int& out) {
      if (!number(value, lo, hi, v) || v != static_cast<int>(v)) return false;
      out = static_cast<int>(v);
      return true;
    };
    bool ok = true;
    if (flag == "--host") {
      o.host = value;
    } else if (flag == "--api-key") {
      o.api_key = value;
    } else if (flag == "--port") {
      ok = whole(1, 65535, o.port);
    } else if (flag == "--batch") {
      ok = whole(1, 100000, o.batch);
    } else if (flag == "--connections") {
      ok = whole(1, 10000, o.connections);
    } else if (flag == "--tokens") {
      ok = whole(1, 1000000, o.tokens);
    } else if (flag == "--duration") {
      ok = number(value, 0.1, 86400, o.duration);
    } else if (flag == "--warmup") {
      ok = number(value, 0, 3600, o.warmup);
    } else if (flag == "--server-pid") {
      int pid = 0;
      ok = whole(1, 1 << 30, pid);
      if (ok) o.server_pids.push_back(pid);
    } else {
      return "odin_ingest_load: unknown option " + std::string(flag) + "\n" + usage;
    }
    if (!ok) {
      return "odin_ingest_load: bad value '" + std::string(value) + "' for " + std::string(flag);
    }
  }
  return std::nullopt;
}

}  // namespace odin::bench
