#include "admin/http_client.h"

#include <cctype>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fmt/format.h>

#include "admin/kafka_admin.h"  // format_seconds

namespace odin::admin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_reply_bytes = 16 * 1024 * 1024;

struct exchange {
  http::request<http::string_body> request;
  milliseconds timeout{};
  std::string host, port;
  // Outcome
  bool done = false;
  beast::error_code error;
  const char* stage = "";
  http::response<http::string_body> response;
};

asio::awaitable<void> run_exchange(exchange& x) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [resolve_error, endpoints] = co_await resolver.async_resolve(x.host, x.port, use_tuple);
  x.stage = "resolve";
  if ((x.error = resolve_error)) co_return;
  beast::tcp_stream stream(executor);
  stream.expires_after(x.timeout);  // one deadline for connect + write + read
  auto [connect_error, endpoint] = co_await stream.async_connect(endpoints, use_tuple);
  x.stage = "connect";
  if ((x.error = connect_error)) co_return;
  auto [write_error, written] = co_await http::async_write(stream, x.request, use_tuple);
  x.stage = "send";
  if ((x.error = write_error)) co_return;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_reply_bytes);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
  x.stage = "read the answer";
  if ((x.error = read_error)) co_return;
  x.response = parser.release();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  x.done = true;
  (void)endpoint, (void)written, (void)read;
}

// `what` names the server and the flag that points at it: "schema registry (--registry)".
admin_error exchange_error(const exchange& x, const http_url& url, std::string_view what) {
  const std::size_t paren = what.find(" (");
  const std::string_view name = what.substr(0, paren);
  const std::string_view hint = paren == std::string_view::npos ? "" : what.substr(paren);
  if (x.error == beast::error::timeout || (!x.done && !x.error)) {
    return {admin_errc::timed_out, fmt::format("no answer from {} {} within {} — is it running?{}",
                                               name, url.text, format_seconds(x.timeout), hint)};
  }
  return {admin_errc::transport, fmt::format("{} {}: could not {}: {}{}", name, url.text, x.stage,
                                             x.error.message(), hint)};
}

admin_result<http_reply> send(exchange& x, const http_url& url, std::string_view what) {
  asio::io_context io;
  asio::co_spawn(io, run_exchange(x), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run_for(x.timeout + milliseconds(500));  // the stream's own deadline normally ends it first
  if (!x.done) return exchange_error(x, url, what);
  return http_reply{static_cast<int>(x.response.result_int()), std::move(x.response.body())};
}

exchange make_exchange(const http_url& url, http::verb verb, const std::string& target,
                       milliseconds timeout) {
  exchange x;
  x.host = url.host;
  x.port = url.port;
  x.timeout = timeout;
  x.request = {verb, url.base_path + target, 11};
  x.request.set(http::field::host, url.host + ":" + url.port);
  x.request.set(http::field::user_agent, "odin");
  return x;
}

}  // namespace

admin_result<http_url> parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.starts_with("https://")) {
    return admin_error{admin_errc::invalid_argument,
                       fmt::format("{}: https is not supported; use the plain http listener "
                                   "(Redpanda: registry :8081, Admin API :9644) or a "
                                   "TLS-terminating proxy",
                                   url)};
  }
  if (!url.starts_with(scheme) || url.size() == scheme.size()) {
    return admin_error{admin_errc::invalid_argument,
                       fmt::format("{}: expected http://host[:port][/path]", url)};
  }
  while (url.ends_with('/')) url.remove_suffix(1);
  http_url out;
  out.text = std::string(url);
  std::string_view rest = url.substr(scheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.base_path = std::string(rest.substr(slash));
  std::size_t colon = authority.rfind(':');
  if (authority.starts_with('[') && authority.find(']') > colon) colon = std::string_view::npos;
  out.host = std::string(authority.substr(0, colon));
  out.port = colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
  if (out.host.starts_with('[') && out.host.ends_with(']')) {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  const bool port_ok = !out.port.empty() && out.port.size() <= 5 &&
                       out.port.find_first_not_of("0123456789") == std::string::npos;
  if (out.host.empty() || !port_ok) {
    return admin_error{admin_errc::invalid_argument,
                       fmt::format("{}: expected http://host[:port][/path]", url)};
  }
  return out;
}

admin_result<http_reply> http_post(const http_url& url, const std::string& target,
                                   const std::string& body, const std::string& content_type,
                                   milliseconds timeout, std::string_view what) {
  exchange x = make_exchange(url, http::verb::post, target, timeout);
  x.request.set(http::field::content_type, content_type);
  x.request.set(http::field::accept, content_type + ", application/json");
  x.request.body() = body;
  x.request.prepare_payload();
  return send(x, url, what);
}

admin_result<http_reply> http_get(const http_url& url, const std::string& target,
                                  milliseconds timeout, std::string_view what) {
  exchange x = make_exchange(url, http::verb::get, target, timeout);
  x.request.set(http::field::accept, "application/json");
  x.request.prepare_payload();
  return send(x, url, what);
}

std::string url_encode_segment(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace odin::admin
