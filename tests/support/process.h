#pragma once
// Runs a program as a child process for tests: environment given explicitly, stdout/stderr
// captured to files, every wait bounded; the destructor kills a child still running.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace odin::test {

class child_process {
 public:
  child_process(const std::string& program, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // The exit code (or 128 + signal) once it exits within `timeout`; nullopt if still running.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  void signal(int sig);
  pid_t pid() const { return pid_; }
  std::string out() const;  // everything written to stdout so far
  std::string err() const;  // everything written to stderr so far

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string out_path_;
  std::string err_path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago. Only for a port nothing must answer on
// (an unreachable broker): a server under test binds port 0 and reports its port instead
// (in-process: its port(); a child process: printed_port below).
uint16_t free_port();

// The port a child printed right after `prefix` on stdout or stderr, e.g. prefix
// "WebSocket  ws://127.0.0.1:" of `odin dev`'s banner; waits up to `timeout` for the whole
// number to appear. nullopt if it did not (or the child exited first).
std::optional<uint16_t> printed_port(child_process& child, const std::string& prefix,
                                     std::chrono::milliseconds timeout);

}  // namespace odin::test
