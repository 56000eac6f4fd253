#pragma once
// The one polling helper of the test suites: checks `done` every `step` until it holds or
// `timeout` passes (a bound on waiting, never an assertion about speed).
#include <chrono>
#include <thread>

namespace odin::test {

template <class Pred>
bool wait_for(Pred done, std::chrono::milliseconds timeout,
              std::chrono::milliseconds step = std::chrono::milliseconds(2)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

}  // namespace odin::test
