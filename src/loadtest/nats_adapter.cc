#include "loadtest/nats_adapter.h"

#include <charconv>
#include <string>

namespace odin::loadtest {
namespace {

constexpr std::string_view subject_prefix = "odin.token.";
constexpr std::size_t max_line = 64 * 1024;

// Splits "MSG <subject> <sid> [reply] <#bytes>" (after "MSG ") into subject and size.
bool parse_msg_line(std::string_view args, std::string_view& subject, std::size_t& size) {
  std::string_view parts[4];
  std::size_t n = 0;
  while (!args.empty() && n < 4) {
    while (!args.empty() && args.front() == ' ') args.remove_prefix(1);
    if (args.empty()) break;
    const auto sp = args.find(' ');
    parts[n++] = args.substr(0, sp);
    args = sp == std::string_view::npos ? std::string_view{} : args.substr(sp);
  }
  if (n < 3) return false;
  subject = parts[0];
  const std::string_view bytes = parts[n - 1];
  auto [p, ec] = std::from_chars(bytes.data(), bytes.data() + bytes.size(), size);
  return ec == std::errc{} && p == bytes.data() + bytes.size();
}

}  // namespace

bool nats_adapter::on_message(std::string_view payload, std::size_t readable, std::string& carry,
                              message_sink& sink) {
  if (carry.empty()) {
    const std::size_t used = consume(payload, readable, sink);
    if (used == std::string_view::npos) return false;
    if (used < payload.size()) carry.assign(payload.substr(used));
    return true;
  }
  carry.append(payload);
  const std::size_t used = consume(carry, carry.capacity(), sink);
  if (used == std::string_view::npos) {
    carry.clear();
    return false;
  }
  carry.erase(0, used);
  return carry.size() <= max_line + 1024 * 1024;
}

std::size_t nats_adapter::consume(std::string_view in, std::size_t readable, message_sink& sink) {
  std::size_t pos = 0;
  for (;;) {
    const std::string_view rest = in.substr(pos);
    const auto eol = rest.find("\r\n");
    if (eol == std::string_view::npos) return rest.size() > max_line ? std::string_view::npos : pos;
    const std::string_view line = rest.substr(0, eol);
    if (line.starts_with("MSG ")) {
      std::string_view subject;
      std::size_t size = 0;
      if (!parse_msg_line(line.substr(4), subject, size)) return std::string_view::npos;
      const std::size_t body = eol + 2;
      if (rest.size() < body + size + 2) return pos;  // payload not complete yet
      const std::size_t offset = pos + body;
      if (!on_msg(subject, in.substr(offset, size), readable - offset, sink)) {
        return std::string_view::npos;
      }
      pos += body + size + 2;
      continue;
    }
    if (line == "PING") {
      sink.send_text("PONG\r\n");
    } else if (line == "PONG") {
      sink.on_confirmation();
    } else if (line.starts_with("-ERR")) {
      sink.on_request_error();
    } else {
      sink.on_reply();  // INFO, +OK
    }
    pos += eol + 2;
  }
}

bool nats_adapter::on_msg(std::string_view subject, std::string_view payload, std::size_t readable,
                          message_sink& sink) {
  if (!subject.starts_with(subject_prefix)) return false;
  envelope e;
  if (!parser_.parse(payload, readable, e) || !e.has_seq || !e.has_ts) return false;
  sink.on_event({subject.substr(subject_prefix.size()), e.seq, e.ts_us, {}, false, std::nullopt});
  return true;
}

}  // namespace odin::loadtest
