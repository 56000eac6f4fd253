#include "admin/fake_registry.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

namespace odin::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

fake_registry::reply error_reply(int status, int code, const std::string& message) {
  return {status, json{{"error_code", code}, {"message", message}}.dump()};
}

std::string url_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

asio::awaitable<void> serve(fake_registry& registry, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  auto [read_error, n] = co_await http::async_read(stream, buffer, req, use_tuple);
  if (read_error) co_return;
  fake_registry::reply r =
      req.method() == http::verb::post
          ? registry.handle({std::string(req.target()), std::string(req[http::field::content_type]),
                             req.body()})
      : req.method() == http::verb::get ? registry.handle_get(std::string(req.target()))
                                        : error_reply(405, 405, "method not allowed");
  http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
  res.set(http::field::content_type, "application/vnd.schemaregistry.v1+json");
  res.body() = r.body;
  res.prepare_payload();
  co_await http::async_write(stream, res, use_tuple);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  (void)n;
}

asio::awaitable<void> accept_loop(fake_registry& registry, tcp::acceptor& acceptor) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(use_tuple);
    if (error) co_return;
    asio::co_spawn(acceptor.get_executor(), serve(registry, std::move(socket)), asio::detached);
  }
}

}  // namespace

fake_registry::fake_registry()
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  asio::co_spawn(io_, accept_loop(*this, acceptor_), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

fake_registry::~fake_registry() {
  io_.stop();
  thread_.join();
}

std::string fake_registry::url() const {
  return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
}

std::vector<fake_registry::request> fake_registry::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::map<std::string, std::vector<fake_registry::version>> fake_registry::subjects() const {
  std::lock_guard lock(mutex_);
  return subjects_;
}

void fake_registry::fail_register(const std::string& subject, int status, int error_code,
                                  std::string message) {
  std::lock_guard lock(mutex_);
  failures_[subject] = error_reply(status, error_code, message);
}

void fake_registry::serve_get(const std::string& target, reply r) {
  std::lock_guard lock(mutex_);
  gets_[target] = std::move(r);
}

fake_registry::reply fake_registry::handle_get(const std::string& target) {
  std::lock_guard lock(mutex_);
  requests_.push_back({target, "", ""});
  const auto it = gets_.find(target);
  return it != gets_.end() ? it->second : error_reply(404, 404, "HTTP 404 Not Found");
}

fake_registry::reply fake_registry::handle(const request& r) {
  std::lock_guard lock(mutex_);
  requests_.push_back(r);
  const std::string prefix = "/subjects/", suffix = "/versions";
  if (r.target.rfind(prefix, 0) != 0) return error_reply(404, 404, "HTTP 404 Not Found");
  if (r.content_type != "application/vnd.schemaregistry.v1+json" &&
      r.content_type != "application/json") {
    return error_reply(415, 415, "unsupported content type " + r.content_type);
  }
  const json body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("schema") || !body["schema"].is_string()) {
    return error_reply(422, 42201, "Invalid schema");
  }
  version v{0, body["schema"].get<std::string>(), body.value("schemaType", "AVRO")};
  std::string subject = r.target.substr(prefix.size());
  const bool is_register = subject.size() > suffix.size() && subject.ends_with(suffix);
  if (is_register) subject.resize(subject.size() - suffix.size());
  subject = url_decode(subject);
  return is_register ? register_version(subject, std::move(v)) : lookup(subject, v);
}

fake_registry::reply fake_registry::lookup(const std::string& subject, const version& v) {
  auto it = subjects_.find(subject);
  if (it == subjects_.end()) {
    return error_reply(404, 40401, "Subject '" + subject + "' not found.");
  }
  for (std::size_t i = 0; i < it->second.size(); ++i) {
    const version& have = it->second[i];
    if (have.schema == v.schema && have.schema_type == v.schema_type) {
      return {200, json{{"subject", subject},
                        {"id", have.id},
                        {"version", static_cast<int>(i) + 1},
                        {"schema", have.schema}}
                       .dump()};
    }
  }
  return error_reply(404, 40403, "Schema not found");
}

fake_registry::reply fake_registry::register_version(const std::string& subject, version v) {
  if (auto f = failures_.find(subject); f != failures_.end()) {
    reply r = f->second;
    failures_.erase(f);
    return r;
  }
  std::vector<version>& versions = subjects_[subject];
  for (const version& have : versions) {
    if (have.schema == v.schema && have.schema_type == v.schema_type) {
      return {200, json{{"id", have.id}}.dump()};
    }
  }
  auto [it, inserted] = ids_.try_emplace({v.schema_type, v.schema}, next_id_);
  if (inserted) ++next_id_;
  v.id = it->second;
  versions.push_back(v);
  return {200, json{{"id", v.id}}.dump()};
}

}  // namespace odin::test
