#pragma once
// Settings of the publisher's HTTP ingest server (filled by src/config; the proposed
// environment names are in README.md).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace odin::publisher {

struct options {
  std::string host = "0.0.0.0";
  uint16_t port = 3003;                  // PORT; 0 = any free port (tests)
  std::size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  std::size_t max_batch = 1000;          // events per POST /events; more get 413
  // The whole request (headers and body) must arrive within this; else 408 and close.
  // It is also how long an idle keep-alive connection stays open.
  std::chrono::milliseconds request_timeout{10000};
  // Longest wait for the bus to answer every event of a request (a safety net above the
  // bus's own delivery timeout); past it the answer is 503 "ack_timeout".
  std::chrono::milliseconds ack_timeout{35000};
  unsigned io_threads = 1;
  std::size_t max_connections = 1024;  // more get 503 and are closed
  // stop(): how long requests whose events are still on their way to the bus get to finish.
  std::chrono::milliseconds shutdown_timeout{5000};
};

}  // namespace odin::publisher
