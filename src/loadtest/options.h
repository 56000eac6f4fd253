#pragma once
// What a load test run does (filled from `odin loadtest` flags), and the parsers of its
// composite values (server URL, source address range).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace odin::loadtest {

enum class protocol_kind : uint8_t { odin, nats, simple };
enum class subscription_mode : uint8_t { bundle, channels };

std::optional<protocol_kind> parse_protocol(std::string_view name);
std::string_view to_string(protocol_kind p);

struct server_url {
  std::string host;  // numeric IPv4 or "localhost"
  uint16_t port = 80;
  std::string target = "/";
};

enum class parse_error : uint8_t { bad_url, bad_address, bad_range };
std::string_view describe(parse_error e);

// ws://HOST[:PORT][/PATH]
result<server_url, parse_error> parse_server_url(std::string_view url);
// "127.0.0.2-127.0.0.200", "127.0.0.5" or a comma list of both: the IPv4 addresses in order,
// each as a host-order uint32.
result<std::vector<uint32_t>, parse_error> parse_source_ips(std::string_view spec);

struct options {
  std::size_t target = 100;  // connections
  double duration_s = 30;    // the measured window, after every connection is set up
  double ramp_rate = 1000;   // new connections per second
  std::string server = "ws://127.0.0.1:3002/ws";
  protocol_kind protocol = protocol_kind::odin;
  subscription_mode mode = subscription_mode::bundle;
  std::string bundle = "TRADING";
  std::vector<std::string> tokens = {"BTC", "ETH", "SOL"};
  std::size_t token_pool = 0;         // > 0: tokens are T0001 ... (replaces `tokens`)
  std::vector<std::string> channels;  // channels mode: kinds ("trade") or channels ("BTC.trade")
  std::size_t tokens_per_client = 0;  // 0: every client takes every token
  std::vector<uint32_t> source_ips;   // local addresses, round-robin; empty = kernel's choice
  unsigned workers = 1;               // processes
  unsigned threads = 1;               // I/O threads per process
  double drain_s = 1.0;               // after the window: wait for its late events
  double setup_timeout_s = 30;        // after the ramp: give up on connections not set up
  std::size_t read_buffer = 4096;     // bytes per connection
  uint64_t seed = 1;
  std::vector<int> server_pids;  // processes whose CPU and RSS the report includes
  bool live = true;              // the line each second
  bool compression = false;      // offer permessage-deflate; inflate RSV1 messages
  std::string report_file;
  // Access tokens on ?token= (client_token.h): minted per client from jwt_secret (sub
  // user-<i>, or user<1 + i % users> when users > 0: the simulator's SIM_USERS ids), or one
  // fixed token; none when both are empty. With minted tokens every balances event a client
  // receives is checked against its sub (balance_check.h).
  std::string jwt_secret;
  std::string token;
  int64_t token_ttl_s = 3600;
  std::size_t users = 0;

  // Reconnect scenario (odin only; see reconnect_plan.h): every reconnect_every_s seconds of the
  // window, reconnect_percent % of the clients drop and reconnect with "since"; and/or once, at
  // reconnect_burst_at_s into the window (< 0: its middle), reconnect_burst clients reconnect
  // spread over reconnect_burst_within_s seconds.
  double reconnect_percent = 0;
  double reconnect_every_s = 5;
  std::size_t reconnect_burst = 0;
  double reconnect_burst_within_s = 1;
  double reconnect_burst_at_s = -1;
  // A reconnect not resubscribed this long after its drop fails ("timeout while ...").
  double reconnect_timeout_s = 10;
  bool reconnects() const { return reconnect_percent > 0 || reconnect_burst > 0; }

  // Set by the worker pool for its children: this process drives clients
  // [first_client, first_client + target) of the whole run.
  std::size_t first_client = 0;
};

}  // namespace odin::loadtest
