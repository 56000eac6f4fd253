#include "loadtest/subscription_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <unordered_set>

#include "model/bundle.h"
#include "model/channel.h"
#include "model/token_pool.h"

namespace odin::loadtest {
namespace {

constexpr std::size_t max_per_request = 100;  // WS_MAX_TOKENS_PER_REQUEST default

uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

template <class T>
std::vector<std::vector<T>> chunks(const std::vector<T>& v) {
  std::vector<std::vector<T>> out;
  for (std::size_t i = 0; i < v.size(); i += max_per_request) {
    out.emplace_back(
        v.begin() + static_cast<std::ptrdiff_t>(i),
        v.begin() + static_cast<std::ptrdiff_t>(std::min(v.size(), i + max_per_request)));
  }
  return out;
}

}  // namespace

subscription_plan::subscription_plan(const options& o) : options_(o) {
  tokens_ = o.token_pool > 0 ? model::token_pool(o.token_pool) : o.tokens;
  for (const auto& t : tokens_) {
    if (!model::validate_token(t)) throw std::invalid_argument("invalid token \"" + t + "\"");
  }
  if (o.mode == subscription_mode::bundle) {
    auto b = model::parse_bundle(o.bundle);
    if (!b) throw std::invalid_argument("unknown bundle \"" + o.bundle + "\"");
    for (model::kind k : model::kinds_of(*b)) kinds_.emplace_back(model::to_string(k));
  } else {
    for (const auto& c : o.channels) {
      if (c.find('.') != std::string::npos) {
        if (!model::parse_channel(c)) throw std::invalid_argument("invalid channel \"" + c + "\"");
        fixed_channels_.push_back(c);
      } else {
        if (!model::parse_kind(c)) throw std::invalid_argument("unknown kind \"" + c + "\"");
        kinds_.push_back(c);
      }
    }
    if (fixed_channels_.empty() && kinds_.empty()) {
      throw std::invalid_argument("channels mode needs --channels (kinds or TOKEN.kind names)");
    }
  }
  if (!kinds_.empty() && tokens_.empty()) throw std::invalid_argument("no tokens to subscribe");
  if (o.tokens_per_client > tokens_.size()) {
    throw std::invalid_argument(fmt::format("--tokens-per-client {} is above the {} tokens",
                                            o.tokens_per_client, tokens_.size()));
  }
}

client_plan subscription_plan::for_client(std::size_t index) const {
  client_plan p;
  const std::size_t k = options_.tokens_per_client;
  if (k == 0 || k == tokens_.size()) {
    p.tokens = tokens_;
  } else {
    std::mt19937_64 gen(mix(options_.seed ^ mix(index)));
    std::sample(tokens_.begin(), tokens_.end(), std::back_inserter(p.tokens), k, gen);
    std::shuffle(p.tokens.begin(), p.tokens.end(), gen);
  }
  std::unordered_set<std::string> seen;
  auto add = [&](std::string c) {
    if (seen.insert(c).second) p.channels.push_back(std::move(c));
  };
  for (const auto& t : p.tokens) {
    for (const auto& kind : kinds_) add(t + "." + kind);
  }
  for (const auto& c : fixed_channels_) add(c);
  return p;
}

std::vector<std::string> subscription_plan::requests(const client_plan& plan) const {
  std::vector<std::string> out;
  int id = 0;
  switch (options_.protocol) {
    case protocol_kind::odin:
      if (options_.mode == subscription_mode::bundle) {
        for (const auto& part : chunks(plan.tokens)) {
          nlohmann::json j = {
              {"type", "subscribe"}, {"bundle", options_.bundle}, {"tokens", part}, {"id", ++id}};
          out.push_back(j.dump());
        }
      } else {
        for (const auto& part : chunks(plan.channels)) {
          nlohmann::json j = {{"type", "subscribe"}, {"channels", part}, {"id", ++id}};
          out.push_back(j.dump());
        }
      }
      break;
    case protocol_kind::nats: {
      std::string s = "CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1}\r\n";
      for (const auto& c : plan.channels) s += fmt::format("SUB odin.token.{} {}\r\n", c, ++id);
      s += "PING\r\n";
      out.push_back(std::move(s));
      break;
    }
    case protocol_kind::simple:
      out.push_back(nlohmann::json{{"subscribe", plan.channels}}.dump());
      break;
  }
  return out;
}

std::size_t subscription_plan::confirmations(const client_plan& plan) const {
  if (options_.protocol != protocol_kind::odin) return 1;
  return options_.mode == subscription_mode::bundle ? chunks(plan.tokens).size()
                                                    : chunks(plan.channels).size();
}

}  // namespace odin::loadtest
