// publisher_mock_load — a measuring tool, not a test: POST /events into `odin publisher`'s
// wiring (kafka_producer → librdkafka's mock cluster, 3 brokers, 8 topics × 12 partitions,
// acks=all) from C keep-alive clients, each posting batches of B events back to back for S
// seconds; prints acknowledged events/s and request latency p50 / p99 / max.
//   publisher_mock_load [batch=100] [clients=4] [seconds=5] [linger_ms=1] [property=value]
// The mock is in this process and on the same cores: compare runs with each other only.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "bus/kafka_producer.h"
#include "publisher/server.h"
#include "sim/simulator.h"
#include "support/bus_test_util.h"
#include "support/http_client.h"
#include "support/mock_cluster.h"

using namespace odin;
using namespace std::chrono_literals;

namespace {

std::string batch_body(int batch, std::mt19937& gen) {
  std::string out = "[";
  for (int i = 0; i < batch; ++i) {
    if (i > 0) out += ',';
    out += R"({"type":"TRADE_EXECUTED","tokenId":"T)" + std::to_string(gen() % 1000) +
           R"(","price":12.5,"volume":100,"side":"buy","amount":1})";
  }
  return out + "]";
}

}  // namespace

int main(int argc, char** argv) {
  const int batch = argc > 1 ? std::stoi(argv[1]) : 100;
  const int clients = argc > 2 ? std::stoi(argv[2]) : 4;
  const int seconds = argc > 3 ? std::stoi(argv[3]) : 5;
  const int linger = argc > 4 ? std::stoi(argv[4]) : 1;
  const std::string extra = argc > 5 ? argv[5] : "";  // "name=value" librdkafka property
  spdlog::set_level(spdlog::level::warn);
  test::mock_cluster cluster(3);
  bus::kafka_options o = test::mock_options(cluster, "load");
  o.linger = std::chrono::milliseconds(linger);
  if (const auto eq = extra.find('='); eq != std::string::npos) {
    o.extra[extra.substr(0, eq)] = extra.substr(eq + 1);
  }
  cluster.create_odin_topics(o.topics, 12);
  bus::kafka_producer producer(o);
  sim::simulator simulator(producer);
  publisher::options po;
  po.host = "127.0.0.1";
  po.port = 0;
  po.io_threads = 1;
  po.ack_timeout = 30s;
  publisher::server srv(po, producer, simulator, o.topics, nullptr);
  srv.start();

  if (clients == 0) {  // the producer alone: batches of `batch` records, one after the other
    std::vector<double> ms;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
      std::atomic<int> left{batch};
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < batch; ++i) {
        producer.produce(model::kind::trade, "T" + std::to_string(i), "{}",
                         [&](result<bus::delivery, bus::bus_error>) { --left; });
      }
      while (left.load() > 0) std::this_thread::sleep_for(100us);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("producer only, batch=%d: %zu batches, ms p50 %.1f max %.1f\n", batch, ms.size(),
                ms[ms.size() / 2], ms.back());
    return 0;
  }
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> events{0}, errors{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  std::vector<std::thread> threads;
  const auto t0 = std::chrono::steady_clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937 gen(static_cast<unsigned>(c));
      odin::test::raw_client client(srv.port());
      while (!stop.load()) {
        const std::string body = batch_body(batch, gen);
        const auto start = std::chrono::steady_clock::now();
        if (!client.send(odin::test::request_text("POST", "/events", body))) break;
        auto a = client.read_answer(60s);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (!a || a->status != 202) {
          ++errors;
          continue;
        }
        events += static_cast<uint64_t>(batch);
        latencies[static_cast<std::size_t>(c)].push_back(ms);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop.store(true);
  for (auto& t : threads) t.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))];
  };
  std::printf(
      "batch=%d clients=%d linger=%dms: %.0f events/s, %zu requests, errors %llu, latency ms "
      "p50 %.1f p99 %.1f max %.1f\n",
      batch, clients, linger, static_cast<double>(events.load()) / elapsed, all.size(),
      static_cast<unsigned long long>(errors.load()), pct(0.5), pct(0.99),
      all.empty() ? 0.0 : all.back());
  srv.stop();
  return 0;
}
