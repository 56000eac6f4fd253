#include "gateway/probe.h"

#include <algorithm>
#include <limits>
#include <string>

#include <prometheus/client_metric.h>

#include "gateway/metric_family.h"

namespace odin::gateway {
namespace {

using metrics::add_family;
using metrics::add_sample;
using metrics::sum;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

void add_one(std::vector<MetricFamily>& out, std::string name, std::string help, MetricType type,
             double value) {
  add_sample(add_family(out, std::move(name), std::move(help), type), value);
}

}  // namespace

std::vector<MetricFamily> gateway_probe::Collect() const {
  std::vector<MetricFamily> out;
  out.reserve(36);
  collect_bus(out);
  collect_compression(out);
  collect_health(out);
  collect_ws(out);
  collect_latency(out);
  return out;
}

void gateway_probe::collect_bus(std::vector<MetricFamily>& out) const {
  constexpr auto counter = MetricType::Counter;
  constexpr auto gauge = MetricType::Gauge;
  add_one(out, "kafka_messages_received_total", "Records read from the bus", counter,
          static_cast<double>(dispatcher_.received.value()));
  auto& dropped = add_family(out, "kafka_messages_dropped_total",
                             "Records read but not delivered, by reason", counter);
  for (std::size_t r = 0; r < drop_reason_count; ++r) {
    add_sample(dropped, static_cast<double>(dispatcher_.dropped[r].value()),
               {{"reason", drop_reason_names[r]}});
  }
  add_one(out, "kafka_idempotency_keys", "Idempotency keys remembered for the duplicate window",
          gauge, static_cast<double>(duplicates_.size()));
  add_one(out, "kafka_idempotency_keys_evicted_total",
          "Keys forgotten before their window ended (WS_IDEMPOTENCY_MAX_KEYS reached)", counter,
          static_cast<double>(duplicates_.evicted_early()));
  add_one(out, "kafka_commit_errors_total", "Failed offset commits", counter,
          static_cast<double>(consumer_.commit_errors()));
  auto& lag = add_family(out, "kafka_consumer_lag", "Records not read yet per partition", gauge);
  for (const bus::partition_lag& p : consumer_.lag()) {
    add_sample(lag, static_cast<double>(p.lag),
               {{"topic", p.topic}, {"partition", std::to_string(p.partition)}});
  }
  add_one(out, "kafka_consumer_paused", "1 while the consumer is paused (backpressure)", gauge,
          static_cast<double>(dispatcher_.paused.value()));
  add_one(out, "kafka_consumer_pauses_total", "Times the consumer was paused (backpressure)",
          counter, static_cast<double>(dispatcher_.pauses.value()));
  add_one(out, "bus_records_skipped_total", "Records the bus no longer had (retention)", counter,
          static_cast<double>(consumer_.skipped()));
  add_one(out, "ws_broadcasts_total", "Records rendered once and handed to every shard", counter,
          static_cast<double>(dispatcher_.broadcasts.value()));
}

void gateway_probe::collect_health(std::vector<MetricFamily>& out) const {
  const bus::bus_health h = consumer_.health();
  const double current_s =
      h.connected ? 0.0 : static_cast<double>(bus::now_us() / 1000 - h.since_ms) / 1000.0;
  add_one(out, "kafka_consumer_connected", "1 while the brokers answer the consumer",
          MetricType::Gauge, h.connected ? 1 : 0);
  add_one(out, "kafka_consumer_disconnected_seconds",
          "How long the brokers have not answered (0 while connected)", MetricType::Gauge,
          current_s);
  add_one(out, "kafka_consumer_outages_total", "Times the consumer lost every broker",
          MetricType::Counter, static_cast<double>(h.outages));
  add_one(out, "kafka_consumer_outage_seconds_total",
          "Time spent without brokers after the first connection", MetricType::Counter,
          static_cast<double>(h.outage_ms) / 1000.0);
}

void gateway_probe::collect_ws(std::vector<MetricFamily>& out) const {
  constexpr auto counter = MetricType::Counter;
  constexpr auto gauge = MetricType::Gauge;
  add_one(out, "ws_active_connections", "Open WebSocket connections", gauge,
          sum(shards_, [](const shard_stats& s) { return s.active_connections.value(); }));
  add_one(out, "ws_connections_total", "WebSocket upgrades accepted", counter,
          sum(shards_, [](const shard_stats& s) { return s.connections_total.value(); }));
  auto& rejected = add_family(out, "ws_connections_rejected_total",
                              "WebSocket upgrades refused, by reason", counter);
  for (std::size_t r = 0; r < refusal_count; ++r) {
    add_sample(rejected, sum(shards_, [r](const shard_stats& s) { return s.refused[r].value(); }),
               {{"reason", refusal_names[r]}});
  }
  auto& answers =
      add_family(out, "ws_http_requests_total",
                 "HTTP answers of the gateway (101 = upgraded), by path and status", counter);
  for (std::size_t p = 0; p < http_path_count; ++p) {
    for (std::size_t st = 0; st < http::status_slot_count; ++st) {
      const double n =
          sum(shards_, [p, st](const shard_stats& s) { return s.http_answers[p][st].value(); });
      if (n == 0) continue;
      const std::string status = st < http::counted_statuses.size()
                                     ? std::to_string(http::counted_statuses[st])
                                     : std::string("other");
      add_sample(answers, n, {{"path", http_path_names[p]}, {"status", status}});
    }
  }
  add_one(out, "ws_messages_sent_total", "Frames written to sockets (events and replies)", counter,
          sum(shards_, [](const shard_stats& s) { return s.messages_sent.value(); }));
  add_one(out, "ws_events_sent_total", "Event frames written to sockets (deliveries)", counter,
          sum(shards_, [](const shard_stats& s) { return s.events_sent.value(); }));
  add_one(out, "ws_deferred_writes_total",
          "Session writes put off by up to WS_FLUSH_INTERVAL to carry more frames", counter,
          sum(shards_, [](const shard_stats& s) { return s.deferred_writes.value(); }));
  double window_us = 0;
  for (const shard_stats* s : shards_) {
    window_us = std::max(window_us, static_cast<double>(s->flush_window_us.value()));
  }
  add_one(out, "ws_flush_window_seconds",
          "Write-coalescing window now in force (largest over I/O threads; 0 = every turn)", gauge,
          window_us / 1e6);
  add_one(out, "ws_flush_window_openings_total",
          "Times a saturated I/O thread opened its coalescing window (WS_FLUSH_MODE=adaptive)",
          counter,
          sum(shards_, [](const shard_stats& s) { return s.flush_window_openings.value(); }));
  add_one(out, "ws_bytes_sent_total", "Bytes written to sockets", counter,
          sum(shards_, [](const shard_stats& s) { return s.bytes_sent.value(); }));
  add_one(out, "ws_write_calls_total", "sendmsg calls that wrote (many frames per call)", counter,
          sum(shards_, [](const shard_stats& s) { return s.write_calls.value(); }));
  add_one(out, "ws_slow_client_disconnects_total", "Connections closed with 4008", counter,
          sum(shards_, [](const shard_stats& s) { return s.slow_client_disconnects.value(); }));
  add_one(out, "ws_conflated_events_total",
          "Queued events of a \"mode\": \"latest\" channel replaced by a newer one (slow clients)",
          counter, sum(shards_, [](const shard_stats& s) { return s.conflated_events.value(); }));
  add_one(out, "ws_subscriptions", "Channels held, summed over connections", gauge,
          sum(shards_, [](const shard_stats& s) { return s.subscriptions.value(); }));
  add_one(out, "ws_outbound_queue_bytes", "Bytes queued for clients, not written yet", gauge,
          sum(shards_, [](const shard_stats& s) { return s.outbound_queue_bytes.value(); }));
  auto& errors = add_family(out, "ws_client_errors_total", "Error replies sent, by code", counter);
  for (std::size_t c = 0; c < client_error_count; ++c) {
    const auto code = static_cast<protocol::error_code>(c);
    add_sample(errors,
               sum(shards_, [c](const shard_stats& s) { return s.client_errors[c].value(); }),
               {{"code", std::string(protocol::to_string(code))}});
  }
}

void gateway_probe::collect_latency(std::vector<MetricFamily>& out) const {
  auto& f = add_family(out, "ws_delivery_latency_seconds",
                       "Bus ingest to socket write, observed once per sendmsg for the oldest "
                       "event frame it completed",
                       MetricType::Histogram);
  metrics::add_histogram(f, shards_, &shard_stats::delivery_latency);
}

// permessage-deflate (RFC 7692): compression is once per frame per shard, so
// bytes_out / bytes_in is the ratio and compressed_frames / ws_broadcasts_total the share.
void gateway_probe::collect_compression(std::vector<MetricFamily>& out) const {
  constexpr auto counter = MetricType::Counter;
  add_one(out, "ws_deflate_connections_total", "Connections that negotiated permessage-deflate",
          counter,
          sum(shards_, [](const shard_stats& s) { return s.deflate_connections.value(); }));
  add_one(out, "ws_compressed_frames_total",
          "Event frames compressed (once per frame per I/O thread, shared by its sessions)",
          counter, sum(shards_, [](const shard_stats& s) { return s.compressed_frames.value(); }));
  add_one(out, "ws_compression_bytes_in_total", "Bytes of the event frames compressed", counter,
          sum(shards_, [](const shard_stats& s) { return s.compression_bytes_in.value(); }));
  add_one(out, "ws_compression_bytes_out_total", "Bytes of their compressed frames", counter,
          sum(shards_, [](const shard_stats& s) { return s.compression_bytes_out.value(); }));
  add_one(out, "ws_inflated_messages_total", "Compressed client messages inflated", counter,
          sum(shards_, [](const shard_stats& s) { return s.inflated_messages.value(); }));
}

}  // namespace odin::gateway
