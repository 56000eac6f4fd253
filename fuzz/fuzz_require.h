#pragma once
// The fuzzers' invariant check: a violated invariant is a crash libFuzzer keeps as a
// reproducer, with the invariant named on stderr.
#include <cstdio>
#include <cstdlib>

namespace odin::fuzz {

inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

}  // namespace odin::fuzz
