#pragma once
// Process signals: SIGINT/SIGTERM are blocked in every thread (call block_stop_signals() first
// in main, before any thread starts) and awaited with wait_for_stop_signal(); SIGPIPE is
// ignored so a write to a closed socket is an error value, not a crash.
namespace odin::app {

void block_stop_signals();

// Blocks until SIGINT or SIGTERM arrives; returns the signal number.
int wait_for_stop_signal();

}  // namespace odin::app
