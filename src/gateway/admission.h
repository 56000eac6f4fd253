#pragma once
// Who may open a WebSocket, decided once per upgrade request before the global limits:
// - the browser `Origin` (WS_ALLOWED_ORIGINS): an origin not listed → 403. No Origin header
//   (not a browser) is allowed; so is an Origin naming the host the request was sent to (the
//   gateway's own page, served on this same port);
// - per client IP (WS_MAX_CONNECTIONS_PER_IP; WS_UPGRADE_RATE_PER_IP + WS_UPGRADE_BURST_PER_IP,
//   a token bucket) → 429 with Retry-After.
// The per-IP table is shared by every shard (a connection of one IP lands on any shard): one
// mutex, taken once per upgrade and once per close, never on the fan-out path, and not at all
// while both per-IP limits are off. Memory is bounded: at most max_tracked addresses; past it
// the idle ones (no open connection) are forgotten, which hands them a full bucket again.
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "gateway/stats.h"
#include "http/error_reply.h"

namespace odin::gateway {

class origin_policy {
 public:
  // `allowed`: exact origins ("https://app.example.com", "http://localhost:8080"); empty or
  // containing "*" = any origin.
  explicit origin_policy(std::vector<std::string> allowed);
  bool any() const { return any_; }
  // `origin`: the Origin header (nullopt: none); `host`: the Host header.
  bool allows(std::optional<std::string_view> origin, std::string_view host) const;

 private:
  std::vector<std::string> allowed_;  // lower case
  bool any_ = false;
};

class per_ip_limits;

// One open connection of one IP; gives its slot back when destroyed (RAII). Empty when the
// per-IP connection limit is off.
class ip_slot {
 public:
  ip_slot() = default;
  ip_slot(per_ip_limits* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
  ip_slot(ip_slot&& o) noexcept
      : owner_(std::exchange(o.owner_, nullptr)), key_(std::move(o.key_)) {}
  ip_slot& operator=(ip_slot&& o) noexcept;
  ~ip_slot() { reset(); }
  void reset();
  bool held() const { return owner_ != nullptr; }

 private:
  per_ip_limits* owner_ = nullptr;
  std::string key_;  // the address bytes
};

struct per_ip_options {
  std::size_t max_connections = 0;  // open connections per IP; 0 = unlimited
  double rate = 0;                  // upgrades per second per IP (token refill); 0 = off
  double burst = 0;                 // bucket size; 0 = max(1, rate)
  std::size_t max_tracked = 65536;  // addresses remembered (beyond those with open connections)
  // Retry-After of a per_ip_connections refusal: nobody knows when a connection will close.
  int connections_retry_after_s = 5;
};

struct ip_verdict {
  std::optional<refusal> refused;  // per_ip_connections / per_ip_rate; nullopt = admitted
  int retry_after_s = 0;           // refused: seconds until a retry can succeed
  ip_slot slot;                    // admitted: held for the connection's life
};

class per_ip_limits {
 public:
  using clock_fn = std::function<std::chrono::steady_clock::time_point()>;
  explicit per_ip_limits(per_ip_options o, clock_fn now = &std::chrono::steady_clock::now);
  per_ip_limits(const per_ip_limits&) = delete;
  per_ip_limits& operator=(const per_ip_limits&) = delete;

  bool enabled() const { return opts_.max_connections > 0 || opts_.rate > 0; }
  // Any thread: takes a token (rate) and a connection slot (max_connections) for `ip`.
  ip_verdict admit(const boost::asio::ip::address& ip);
  std::size_t tracked() const;                                 // addresses remembered now
  std::size_t open(const boost::asio::ip::address& ip) const;  // its open connections

 private:
  friend class ip_slot;
  struct entry {
    std::size_t open = 0;
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled;
  };
  void release(const std::string& key);
  void make_room(std::chrono::steady_clock::time_point now);            // mutex held
  int take_token(entry& e, std::chrono::steady_clock::time_point now);  // 0 = taken

  const per_ip_options opts_;
  const double burst_;
  clock_fn now_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> table_;
};

// The admission decision of one upgrade request (origin, then per-IP limits).
struct admission {
  std::optional<refusal> refused;  // nullopt = admitted
  http::errc error = http::errc::forbidden_origin;
  std::string why;        // human text (message of the body, log line)
  int retry_after_s = 0;  // > 0: Retry-After
  ip_slot slot;           // admitted: the IP's connection slot (hold it for the session's life)
};

admission admit_upgrade(const origin_policy& origins, per_ip_limits& limits,
                        std::optional<std::string_view> origin, std::string_view host,
                        const boost::asio::ip::address& peer);

}  // namespace odin::gateway
