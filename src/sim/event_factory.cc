#include "sim/event_factory.h"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <initializer_list>

#include "model/channel.h"

namespace odin::sim {
namespace {

using model::event_type;

// Appends JSON fields to `out` with std::to_chars and plain appends: this runs for every
// simulated event (100k/s and more), so no format-string parsing and no temporary strings.
class writer {
 public:
  writer(std::string& out, rng& gen, int64_t users) : out_(out), gen_(gen), users_(users) {}

  // Uniform in [lo, hi]; the modulo bias is below (hi - lo) / 2^64.
  int64_t integer(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(gen_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool coin() { return (gen_() & 1) != 0; }

  // A fixed-point decimal with `decimals` digits, uniform in [lo, hi).
  void number(std::string_view name, double lo, double hi, int decimals) {
    static constexpr std::array<int64_t, 9> pow10 = {1,      10,      100,      1000,     10000,
                                                     100000, 1000000, 10000000, 100000000};
    const int64_t scale = pow10.at(static_cast<std::size_t>(decimals));
    const int64_t v = integer(std::llround(lo * scale), std::llround(hi * scale) - 1);
    key(name);
    if (v < 0) out_.push_back('-');
    const int64_t a = v < 0 ? -v : v;
    append(a / scale);
    if (decimals == 0) return;
    out_.push_back('.');
    const std::size_t at = out_.size();
    append(a % scale + scale);  // "1" followed by exactly `decimals` digits
    out_.erase(at, 1);
  }
  void whole(std::string_view name, int64_t lo, int64_t hi) {
    key(name);
    append(integer(lo, hi));
  }
  void boolean(std::string_view name, bool value) {
    key(name);
    out_ += value ? "true" : "false";
  }
  // A string made of pieces. The pieces are fixed text and valid token ids: nothing to escape.
  void text(std::string_view name, std::initializer_list<std::string_view> pieces) {
    key(name);
    out_.push_back('"');
    for (std::string_view p : pieces) out_ += p;
    out_.push_back('"');
  }
  // "<prefix><number><suffix>", e.g. "user123", "Updated at 1700000000000".
  void text_number(std::string_view name, std::string_view prefix, int64_t number,
                   std::string_view suffix = {}) {
    key(name);
    out_.push_back('"');
    out_ += prefix;
    append(number);
    out_ += suffix;
    out_.push_back('"');
  }
  void user(std::string_view name) { text_number(name, "user", integer(1, users_)); }
  void comment_id() { text_number("commentId", "c", integer(1, 999999)); }

 private:
  void key(std::string_view name) {
    out_ += ",\"";
    out_ += name;
    out_ += "\":";
  }
  void append(int64_t v) {
    std::array<char, 24> buf;
    const auto end = std::to_chars(buf.data(), buf.data() + buf.size(), v).ptr;
    out_.append(buf.data(), end);
  }

  std::string& out_;
  rng& gen_;
  int64_t users_;  // user ids are user1 .. user<users_>
};

void trade(writer& w, event_type type) {
  w.number("price", 10, 110, 6);
  w.number("volume", 0, 1000, 4);
  const bool buy =
      type == event_type::buy_completed || (type == event_type::trade_executed && w.coin());
  w.text("side", {buy ? "buy" : "sell"});
  w.number("amount", 0, 10, 6);
}

void liquidity(writer& w, event_type type) {
  w.number("btcAmount", 0, 10, 8);
  w.number("tokenAmount", 0, 1000, 4);
  if (type == event_type::liquidity_rebalanced) w.number("ratio", 0.5, 2, 6);
}

void metadata(writer& w, event_type type, std::string_view token, int64_t ts) {
  switch (type) {
    case event_type::metadata_updated:
      w.text("name", {token, " Token"});
      w.text_number("description", "Updated at ", ts);
      break;
    case event_type::token_name_changed:
      w.text("name", {token, " Token v2"});
      w.text("previousName", {token, " Token"});
      break;
    default:  // token_flags_changed
      w.boolean("verified", w.coin());
      w.boolean("featured", w.coin());
      w.boolean("nsfw", false);
  }
}

void social(writer& w, event_type type, std::string_view token) {
  if (type == event_type::twitter_verified) {
    w.text("twitterHandle", {"@", token, "_token"});
    w.boolean("verified", true);
    return;
  }
  w.text("twitter", {"https://x.com/", token, "_token"});
  w.text("telegram", {"https://t.me/", token, "_token"});
  w.text("website", {"https://example.com/", token});
}

void community(writer& w, event_type type) {
  switch (type) {
    case event_type::comment_posted:
      w.comment_id();
      w.text("text", {"Great project!"});
      w.user("author");
      break;
    case event_type::comment_pinned:
      w.comment_id();
      w.boolean("pinned", true);
      break;
    case event_type::comment_upvoted:
      w.comment_id();
      w.whole("upvotes", 1, 500);
      break;
    default:  // favorite_toggled
      w.user("userId");
      w.boolean("favorite", w.coin());
  }
}

void creation(writer& w, event_type type, std::string_view token) {
  w.text("name", {token, " Token"});
  w.text("symbol", {token});
  if (type == event_type::token_created) {
    w.user("creator");
    w.whole("supply", 1'000'000, 1'000'000'000);
  } else {  // token_listed
    w.number("price", 10, 110, 6);
  }
}

void analytics(writer& w, event_type type) {
  switch (type) {
    case event_type::holder_count_updated:
      w.whole("holders", 0, 9999);
      w.whole("change", -50, 50);
      break;
    case event_type::trending_updated:
      w.whole("rank", 1, 100);
      w.number("score", 0, 100, 4);
      break;
    default:  // analytics_recalculated, price_delta_updated
      w.number("priceChange24h", -10, 10, 4);
      w.number("volume24h", 0, 1'000'000, 2);
      w.whole("holders", 0, 9999);
  }
}

void balances(writer& w, event_type type) {
  if (type == event_type::balance_updated) {
    w.user("userId");
    w.number("balance", 0, 10000, 8);
    w.number("change", -100, 100, 8);
    return;
  }
  w.user("from");  // transfer_completed
  w.user("to");
  w.number("amount", 0, 1000, 8);
}

}  // namespace

void append_event(std::string& out, event_type type, std::string_view token, int64_t timestamp_ms,
                  rng& gen, int64_t users) {
  assert(model::validate_token(token));
  assert(users >= 1);
  out += R"({"type":")";
  out += model::to_string(type);
  out += R"(","tokenId":")";
  out += token;
  out += R"(","timestamp":)";
  std::array<char, 24> buf;
  out.append(buf.data(), std::to_chars(buf.data(), buf.data() + buf.size(), timestamp_ms).ptr);
  writer w(out, gen, users);
  switch (model::kind_of(type)) {
    case model::kind::trade:
      trade(w, type);
      break;
    case model::kind::liquidity:
      liquidity(w, type);
      break;
    case model::kind::metadata:
      metadata(w, type, token, timestamp_ms);
      break;
    case model::kind::social:
      social(w, type, token);
      break;
    case model::kind::community:
      community(w, type);
      break;
    case model::kind::creation:
      creation(w, type, token);
      break;
    case model::kind::analytics:
      analytics(w, type);
      break;
    case model::kind::balances:
      balances(w, type);
      break;
  }
  out.push_back('}');
}

std::string make_event(event_type type, std::string_view token, int64_t timestamp_ms, rng& gen,
                       int64_t users) {
  std::string out;
  out.reserve(192);
  append_event(out, type, token, timestamp_ms, gen, users);
  return out;
}

}  // namespace odin::sim
