#pragma once
// ODIN_TEST_IO_THREADS=N makes the gateway suites that call this run with N I/O threads
// instead of their own choice. ctest runs the key suites a second time with N = 1 (the
// `.one_shard` tests, tests/CMakeLists.txt `odin_add_one_shard_run`): the single-shard path,
// where the dispatcher's work runs on the I/O thread (src/gateway/io_dispatch.h).
#include <cstdlib>
#include <string>

namespace odin::test {

inline unsigned io_threads_or(unsigned fallback) {
  const char* text = std::getenv("ODIN_TEST_IO_THREADS");
  if (text == nullptr || *text == '\0') return fallback;
  return static_cast<unsigned>(std::stoul(text));
}

}  // namespace odin::test
