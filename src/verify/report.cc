#include "verify/report.h"

#include <fmt/format.h>

namespace odin::verify {
namespace {

double ms(uint64_t us) {
  return static_cast<double>(us) / 1000.0;
}

std::string format_name(payload_format f) {
  return f == payload_format::avro ? "avro" : "json";
}

check count_check(const char* name, const char* what, uint64_t n) {
  return {name, fmt::format("{} {} = 0", what, n), n == 0};
}

}  // namespace

measured measure(const run_result& r) {
  measured m;
  const auto& h = r.consumer.latency_us;
  m.avg_ms = h.mean() / 1000.0;
  m.p50_ms = ms(h.percentile(50));
  m.p99_ms = ms(h.percentile(99));
  m.p999_ms = ms(h.percentile(99.9));
  m.max_ms = ms(h.max());
  const double produce_s = static_cast<double>(r.last_produce_us - r.first_produce_us) / 1e6;
  if (produce_s > 0) m.produce_rate = static_cast<double>(r.produced) / produce_s;
  const double window_s =
      static_cast<double>(r.consumer.last_consume_us - r.first_produce_us) / 1e6;
  if (window_s > 0 && r.consumer.ours > 0) {
    m.throughput = static_cast<double>(r.consumer.ours) / window_s;
  }
  return m;
}

verdict judge(const run_result& r, const thresholds& limits) {
  const measured m = measure(r);
  const bool sampled = r.consumer.latency_us.count() > 0;
  verdict v;
  v.checks.push_back({"p2c_avg_ms",
                      fmt::format("avg {:.2f} ms < {:g} ms", m.avg_ms, limits.max_avg_ms),
                      sampled && m.avg_ms < limits.max_avg_ms});
  v.checks.push_back({"p2c_p99_ms",
                      fmt::format("p99 {:.2f} ms < {:g} ms", m.p99_ms, limits.max_p99_ms),
                      sampled && m.p99_ms < limits.max_p99_ms});
  v.checks.push_back(
      {"throughput_msgs",
       fmt::format("{:.0f} msg/s >= {:g} msg/s", m.throughput, limits.min_throughput),
       m.throughput >= limits.min_throughput});
  v.checks.push_back(count_check("lost", "lost", r.lost));
  v.checks.push_back(count_check("duplicates", "duplicates", r.consumer.duplicates));
  v.checks.push_back(count_check("invalid", "invalid", r.consumer.invalid()));
  v.checks.push_back(count_check("produce_failed", "refused by the brokers", r.produce_failed));
  v.pass = true;
  for (const check& c : v.checks) v.pass = v.pass && c.pass;
  return v;
}

void print_report(std::ostream& out, const run_result& r, const verdict& v) {
  const measured m = measure(r);
  const run_stats& s = r.consumer;
  out << fmt::format("odin verify: {} ({}, schema id {} — {}), {} partitions, brokers {}\n",
                     r.topic, format_name(r.format), r.schema_id, r.schema_id_source, r.partitions,
                     r.brokers);
  out << fmt::format("  produced {} ({:.0f} msg/s, target {}), acknowledged {}, failed {}{}\n",
                     r.produced, m.produce_rate,
                     r.target_rate > 0 ? fmt::format("{:g}", r.target_rate) : "flat out", r.acked,
                     r.produce_failed, r.produce_error.empty() ? "" : " (" + r.produce_error + ")");
  out << fmt::format(
      "  consumed {}: {} of this run, {} from other producers; lost {}, "
      "duplicates {}\n",
      s.consumed - s.primes, s.ours, s.foreign, r.lost, s.duplicates);
  out << fmt::format("  validated {}: {} valid, {} invalid", s.consumed, s.valid, s.invalid());
  for (int i = 0; i < invalid_reason_count; ++i) {
    if (s.invalid_by_reason[static_cast<std::size_t>(i)] == 0) continue;
    out << fmt::format(" [{} {}]", name_of(static_cast<invalid_reason>(i)),
                       s.invalid_by_reason[static_cast<std::size_t>(i)]);
  }
  out << fmt::format(
      "\n  P2C latency ms: avg {:.2f}  p50 {:.2f}  p99 {:.2f}  p99.9 {:.2f}  "
      "max {:.2f}  ({} samples)\n",
      m.avg_ms, m.p50_ms, m.p99_ms, m.p999_ms, m.max_ms, s.latency_us.count());
  out << fmt::format("  sustained {:.0f} msg/s (producer to consumer)\n", m.throughput);
  for (const check& c : v.checks) {
    out << fmt::format("  {}  {}\n", c.pass ? "ok  " : "FAIL", c.text);
  }
  out << (v.pass ? "PASS\n" : "FAIL\n");
}

nlohmann::json report_json(const run_result& r, const verdict& v, const thresholds& limits) {
  const measured m = measure(r);
  const run_stats& s = r.consumer;
  nlohmann::json invalid = nlohmann::json::object();
  for (int i = 0; i < invalid_reason_count; ++i) {
    invalid[std::string(name_of(static_cast<invalid_reason>(i)))] =
        s.invalid_by_reason[static_cast<std::size_t>(i)];
  }
  nlohmann::json checks = nlohmann::json::array();
  for (const check& c : v.checks)
    checks.push_back({{"name", c.name}, {"text", c.text}, {"pass", c.pass}});
  return {
      {"result", v.pass ? "PASS" : "FAIL"},
      {"brokers", r.brokers},
      {"topic", r.topic},
      {"format", format_name(r.format)},
      {"schemaId", r.schema_id},
      {"schemaIdSource", r.schema_id_source},
      {"partitions", r.partitions},
      {"targetRate", r.target_rate},
      {"producer",
       {{"produced", r.produced},
        {"acknowledged", r.acked},
        {"failed", r.produce_failed},
        {"ratePerSec", m.produce_rate}}},
      {"consumer",
       {{"consumed", s.consumed - s.primes},
        {"ours", s.ours},
        {"foreign", s.foreign},
        {"lost", r.lost},
        {"duplicates", s.duplicates}}},
      {"validation",
       {{"validated", s.consumed},
        {"valid", s.valid},
        {"invalid", s.invalid()},
        {"invalidByReason", invalid}}},
      {"latencyMs",
       {{"avg", m.avg_ms},
        {"p50", m.p50_ms},
        {"p99", m.p99_ms},
        {"p999", m.p999_ms},
        {"max", m.max_ms},
        {"samples", s.latency_us.count()}}},
      {"throughputPerSec", m.throughput},
      {"thresholds",
       {{"maxAvgMs", limits.max_avg_ms},
        {"maxP99Ms", limits.max_p99_ms},
        {"minThroughput", limits.min_throughput}}},
      {"checks", checks},
  };
}

}  // namespace odin::verify
