#include "gateway/admission.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace odin::gateway {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "https://example.com:443" → "example.com"; "http://a:8080" → "a:8080" (the host part of an
// origin as a Host header names it; default ports dropped).
std::string origin_host(std::string_view origin) {
  std::string o = lower(origin);
  std::string_view port_dropped;
  if (o.starts_with("https://")) {
    o.erase(0, 8);
    port_dropped = ":443";
  } else if (o.starts_with("http://")) {
    o.erase(0, 7);
    port_dropped = ":80";
  } else {
    return {};  // "null", other schemes: never the same host
  }
  if (o.ends_with(port_dropped)) o.resize(o.size() - port_dropped.size());
  return o;
}

std::string host_without_default_port(std::string_view host) {
  std::string h = lower(host);
  if (h.ends_with(":80")) h.resize(h.size() - 3);
  if (h.ends_with(":443")) h.resize(h.size() - 4);
  return h;
}

// At most 100 printable ASCII characters of a header value, for logs and bodies.
std::string printable(std::string_view v) {
  std::string out(v.substr(0, 100));
  for (char& c : out) {
    if (c < ' ' || c > '~') c = '?';
  }
  return out;
}

std::string key_of(const boost::asio::ip::address& ip) {
  const auto bytes =
      ip.is_v4()
          ? boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, ip.to_v4()).to_bytes()
          : ip.to_v6().to_bytes();
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

origin_policy::origin_policy(std::vector<std::string> allowed) {
  any_ = allowed.empty();
  for (const std::string& a : allowed) {
    if (a == "*") any_ = true;
    allowed_.push_back(lower(a));
  }
}

bool origin_policy::allows(std::optional<std::string_view> origin, std::string_view host) const {
  if (any_ || !origin) return true;
  const std::string o = lower(*origin);
  if (std::find(allowed_.begin(), allowed_.end(), o) != allowed_.end()) return true;
  const std::string same = origin_host(o);
  return !same.empty() && !host.empty() && same == host_without_default_port(host);
}

ip_slot& ip_slot::operator=(ip_slot&& o) noexcept {
  if (this != &o) {
    reset();
    owner_ = std::exchange(o.owner_, nullptr);
    key_ = std::move(o.key_);
  }
  return *this;
}

void ip_slot::reset() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->release(key_);
}

per_ip_limits::per_ip_limits(per_ip_options o, clock_fn now)
    : opts_(o), burst_(o.burst > 0 ? o.burst : std::max(1.0, o.rate)), now_(std::move(now)) {}

ip_verdict per_ip_limits::admit(const boost::asio::ip::address& ip) {
  ip_verdict v;
  if (!enabled()) return v;
  const auto now = now_();
  std::string key = key_of(ip);
  std::lock_guard lock(mutex_);
  auto it = table_.find(key);
  if (it == table_.end()) {
    if (table_.size() >= opts_.max_tracked) make_room(now);
    it = table_.emplace(key, entry{0, burst_, now}).first;
  }
  entry& e = it->second;
  if (opts_.max_connections > 0 && e.open >= opts_.max_connections) {
    v.refused = refusal::per_ip_connections;
    v.retry_after_s = opts_.connections_retry_after_s;
    return v;
  }
  if (opts_.rate > 0) {
    if (const int wait = take_token(e, now); wait > 0) {
      v.refused = refusal::per_ip_rate;
      v.retry_after_s = wait;
      return v;
    }
  }
  if (opts_.max_connections > 0) {
    ++e.open;
    v.slot = ip_slot(this, std::move(key));
  }
  return v;
}

int per_ip_limits::take_token(entry& e, std::chrono::steady_clock::time_point now) {
  const double elapsed = std::chrono::duration<double>(now - e.refilled).count();
  if (elapsed > 0) e.tokens = std::min(burst_, e.tokens + elapsed * opts_.rate);
  e.refilled = now;
  if (e.tokens >= 1.0) {
    e.tokens -= 1.0;
    return 0;
  }
  // Whole seconds until one token is there (at least 1).
  return std::max(1, static_cast<int>(std::ceil((1.0 - e.tokens) / opts_.rate)));
}

// Forget the addresses that are idle: first those whose bucket has refilled completely (they
// would get a full one anyway), then, if that was not enough, every one without an open
// connection (a small leniency for an attacker cycling through many addresses).
void per_ip_limits::make_room(std::chrono::steady_clock::time_point now) {
  const double refill_s = opts_.rate > 0 ? burst_ / opts_.rate : 0;
  std::erase_if(table_, [&](const auto& kv) {
    const entry& e = kv.second;
    return e.open == 0 && std::chrono::duration<double>(now - e.refilled).count() >= refill_s;
  });
  if (table_.size() < opts_.max_tracked) return;
  std::erase_if(table_, [](const auto& kv) { return kv.second.open == 0; });
}

void per_ip_limits::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = table_.find(key);
  if (it != table_.end() && it->second.open > 0) --it->second.open;
}

std::size_t per_ip_limits::tracked() const {
  std::lock_guard lock(mutex_);
  return table_.size();
}

std::size_t per_ip_limits::open(const boost::asio::ip::address& ip) const {
  std::lock_guard lock(mutex_);
  const auto it = table_.find(key_of(ip));
  return it == table_.end() ? 0 : it->second.open;
}

admission admit_upgrade(const origin_policy& origins, per_ip_limits& limits,
                        std::optional<std::string_view> origin, std::string_view host,
                        const boost::asio::ip::address& peer) {
  admission a;
  if (!origins.allows(origin, host)) {
    a.refused = refusal::origin;
    a.error = http::errc::forbidden_origin;
    a.why = fmt::format("origin {} is not allowed (WS_ALLOWED_ORIGINS)",
                        printable(origin.value_or("")));
    return a;
  }
  ip_verdict v = limits.admit(peer);
  if (v.refused) {
    a.refused = v.refused;
    a.error = http::errc::too_many_requests;
    a.retry_after_s = v.retry_after_s;
    a.why = *v.refused == refusal::per_ip_connections
                ? "too many connections from your address (WS_MAX_CONNECTIONS_PER_IP)"
                : "too many connection attempts from your address (WS_UPGRADE_RATE_PER_IP)";
    return a;
  }
  a.slot = std::move(v.slot);
  return a;
}

}  // namespace odin::gateway
