#pragma once
// Who subscribes to what: for client i of the run, its tokens (all of them, or
// --tokens-per-client K drawn from the token list / pool with a seed derived from --seed and i,
// so every worker process computes the same plan), its channels, and the messages that
// subscribe them in each protocol.
#include <cstddef>
#include <string>
#include <vector>

#include "loadtest/options.h"

namespace odin::loadtest {

struct client_plan {
  std::vector<std::string> tokens;
  std::vector<std::string> channels;  // "TOKEN.kind", deduplicated, in request order
};

class subscription_plan {
 public:
  // Throws std::invalid_argument on a bad bundle, kind, token, or K above the pool size.
  explicit subscription_plan(const options& o);

  client_plan for_client(std::size_t index) const;

  // The messages to send right after the upgrade (each one WebSocket frame):
  // odin: subscribe requests of at most 100 tokens / channels each (with "id");
  // nats: CONNECT, one SUB per channel, then PING (its PONG confirms the SUBs);
  // simple: {"subscribe":[channels]}.
  std::vector<std::string> requests(const client_plan& plan) const;
  // How many replies confirm the subscription (odin: one per request; nats: the PONG;
  // simple: one).
  std::size_t confirmations(const client_plan& plan) const;

  const std::vector<std::string>& token_list() const { return tokens_; }

 private:
  options options_;
  std::vector<std::string> tokens_;
  std::vector<std::string> kinds_;           // bundle kinds, or kinds given in --channels
  std::vector<std::string> fixed_channels_;  // full channel names given in --channels
};

}  // namespace odin::loadtest
