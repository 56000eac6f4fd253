#pragma once
// A small in-test schema registry speaking the documented Confluent API subset that
// `odin schemas register` uses, on 127.0.0.1 (any free port), served from its own thread:
//   POST /subjects/{subject}           200 {subject,id,version,schema} | 404 40401 / 40403
//   POST /subjects/{subject}/versions  200 {"id": N} (same schema text + type → same id)
// Errors are Confluent-style bodies {"error_code": N, "message": "..."}. GET answers are canned
// (serve_get), e.g. Redpanda's Admin API GET /v1/cluster_config for `odin topics --admin-url`.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace odin::test {

class fake_registry {
 public:
  struct request {
    std::string target;
    std::string content_type;
    std::string body;
  };
  struct version {
    int id = 0;
    std::string schema;
    std::string schema_type;
  };

  fake_registry();
  ~fake_registry();
  fake_registry(const fake_registry&) = delete;
  fake_registry& operator=(const fake_registry&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT"
  std::vector<request> requests() const;
  std::map<std::string, std::vector<version>> subjects() const;
  // The next registration under `subject` is answered with this error instead.
  void fail_register(const std::string& subject, int status, int error_code, std::string message);

  struct reply {
    int status = 200;
    std::string body;
  };
  // GET `target` is answered with `r` from now on (other GETs: 404).
  void serve_get(const std::string& target, reply r);

  reply handle(const request& r);  // public for the server coroutine
  reply handle_get(const std::string& target);

 private:
  reply lookup(const std::string& subject, const version& v);
  reply register_version(const std::string& subject, version v);

  mutable std::mutex mutex_;
  std::vector<request> requests_;
  std::map<std::string, std::vector<version>> subjects_;
  std::map<std::string, reply> failures_;
  std::map<std::string, reply> gets_;
  std::map<std::pair<std::string, std::string>, int> ids_;  // (type, schema) → id
  int next_id_ = 1;

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

}  // namespace odin::test
