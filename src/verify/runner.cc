#include "verify/runner.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <random>

#include "verify/telemetry_consumer.h"
#include "verify/telemetry_producer.h"

namespace odin::verify {

std::string new_run_id() {
  std::random_device rd;
  const uint64_t id = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return fmt::format("{:016x}", id);
}

namespace {

run_result collect(const bus::kafka_options& kafka, const options& o, int partitions,
                   const telemetry_producer& producer, const telemetry_consumer& consumer) {
  run_result r;
  r.brokers = kafka.brokers;
  r.topic = o.topic;
  r.format = o.format;
  r.schema_id = o.schema_id;
  r.partitions = partitions;
  r.target_rate = o.rate;
  r.produced = producer.produced();
  r.acked = producer.acked();
  r.produce_failed = producer.failed().size();
  r.produce_error = producer.first_error();
  r.first_produce_us = producer.first_produce_us();
  r.last_produce_us = producer.last_produce_us();
  r.consumer = consumer.stats();
  r.lost = r.consumer.lost(r.produced, producer.failed());
  return r;
}

}  // namespace

verify_result<run_result> run_verify(const bus::kafka_options& kafka, const options& o) {
  const std::string run_id = new_run_id();
  telemetry_producer producer(kafka, o, run_id);
  auto partitions = producer.partitions();
  if (!partitions) return partitions.error();
  const int n = partitions.value();
  telemetry_consumer consumer(kafka, o, run_id, producer.produced_counter());
  if (auto assigned = consumer.assign(n); !assigned) return assigned.error();
  consumer.start();
  if (auto primed = producer.prime(n); !primed) return primed.error();
  if (!consumer.wait_primed(static_cast<uint64_t>(n), o.timeout)) {
    return verify_error{fmt::format(
        "the priming records of {} partitions were acknowledged but not all read back within "
        "{} ms — can this client fetch from every partition leader?",
        n, o.timeout.count())};
  }
  spdlog::info("verify run {}: {} partitions of {} assigned and primed; producing", run_id, n,
               o.topic);
  if (o.on_ready) o.on_ready();
  producer.consumed_so_far = [&consumer] { return consumer.consumed(); };
  producer.run();
  const uint64_t expected = producer.produced() - producer.failed().size();
  consumer.finish(expected, std::chrono::steady_clock::now() + o.drain);
  consumer.join();
  return collect(kafka, o, n, producer, consumer);
}

}  // namespace odin::verify
