// Clients only ever see what docs/protocol.md §6 promises. A corpus of records a foreign
// producer could write to our topics — produced here by a plain librdkafka producer (C API,
// not odin's code) against the mock cluster, and appended to the embedded bus — goes through a
// real gateway to a real WebSocket client subscribed to every channel of the tokens involved:
// only the valid events arrive, each bad record is counted under its reason in
// kafka_messages_dropped_total{reason}, and a record whose odin-idempotency-key header was
// already delivered on its topic is dropped as a duplicate.
#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>
#include <prometheus/registry.h>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bus/kafka_consumer.h"
#include "bus/memory_bus.h"
#include "e2e/fanout_scenario.h"
#include "gateway/gateway.h"
#include "model/event_type.h"
#include "support/http_client.h"
#include "support/metrics_text.h"
#include "support/mock_cluster.h"
#include "support/ws_client.h"

namespace odin::test {
namespace {

using namespace std::chrono_literals;
using model::event_type;
using model::kind;

struct corpus_record {
  kind topic;
  std::optional<std::string> key;  // nullopt: a record without a key
  std::string value;
  std::string idempotency_key;  // "" = no header
  std::string reason;           // "" = delivered
};

std::string ev(event_type t, const std::string& token, int n) {
  return scenario_value(t, token, n);
}

// Every way a record can fail the contract, between valid events; tokens BTC and ETH.
std::vector<corpus_record> bad_record_corpus() {
  return {
      {kind::trade, "BTC", ev(event_type::trade_executed, "BTC", 1), "", ""},
      {kind::trade, std::nullopt, ev(event_type::trade_executed, "BTC", 2), "", "invalid_key"},
      {kind::trade, "B TC", ev(event_type::trade_executed, "B TC", 3), "", "invalid_key"},
      {kind::trade, "BTC", "", "", "not_json"},
      {kind::trade, "BTC", "hello", "", "not_json"},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED","tokenId":"BTC")", "", "not_json"},
      {kind::liquidity, "BTC", "\xff\xfe\x00\x01", "", "not_json"},
      {kind::trade, "BTC", "42", "", "not_object"},
      {kind::analytics, "ETH", R"("PRICE_DELTA_UPDATED")", "", "not_object"},
      {kind::trade, "BTC", R"([{"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":1}])", "",
       "not_object"},
      {kind::trade, "BTC", "null", "", "not_object"},
      {kind::trade, "BTC", R"({"tokenId":"BTC","timestamp":1,"price":1})", "", "unknown_type"},
      {kind::trade, "BTC", R"({"type":"TRADE","tokenId":"BTC","timestamp":1})", "", "unknown_type"},
      {kind::metadata, "ETH", R"({"type":null,"tokenId":"ETH","timestamp":1})", "", "unknown_type"},
      {kind::trade, "BTC", ev(event_type::balance_updated, "BTC", 4), "", "wrong_topic"},
      {kind::balances, "ETH", ev(event_type::comment_posted, "ETH", 5), "", "wrong_topic"},
      {kind::trade, "BTC", ev(event_type::trade_executed, "ETH", 6), "", "key_mismatch"},
      {kind::social, "ETH", R"({"type":"TWITTER_VERIFIED","timestamp":1})", "", "key_mismatch"},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED","tokenId":"BTC"})", "", "bad_timestamp"},
      {kind::trade, "BTC", R"({"type":"TRADE_EXECUTED","tokenId":"BTC","timestamp":"now"})", "",
       "bad_timestamp"},
      {kind::balances, "ETH", ev(event_type::transfer_completed, "ETH", 7), "", ""},
      {kind::creation, "ETH", ev(event_type::token_created, "ETH", 8), "", ""},
  };
}

// A backend's retry delivered twice (maybe by two publisher instances): same key, same topic.
std::vector<corpus_record> duplicate_corpus() {
  const std::string once = ev(event_type::buy_completed, "BTC", 9);
  return {
      {kind::trade, "BTC", once, "req-7/0", ""},
      {kind::trade, "BTC", once, "req-7/0", "duplicate"},
      {kind::trade, "BTC", ev(event_type::sell_completed, "BTC", 10), "req-7/1", ""},
      {kind::balances, "BTC", ev(event_type::balance_updated, "BTC", 11), "req-7/0", ""},
      {kind::trade, "BTC", ev(event_type::trade_executed, "BTC", 12), "", ""},
      {kind::trade, "BTC", ev(event_type::trade_executed, "BTC", 12), "", ""},  // no key: both
      {kind::trade, "BTC", once, "req-7/0", "duplicate"},
  };
}

double dropped(uint16_t port, const std::string& reason) {
  return metric_value(http_get(port, "/metrics").body,
                      R"(kafka_messages_dropped_total{reason=")" + reason + "\"}")
      .value_or(-1);
}

// Subscribes to every channel of BTC and ETH, lets `produce_all` write the corpus, and checks
// what the client got and what the gateway counted.
void check_corpus(uint16_t port, const std::vector<corpus_record>& corpus,
                  const std::function<void()>& produce_all) {
  ws_client client("127.0.0.1", port);
  ASSERT_TRUE(client.request(R"({"type":"subscribe","bundle":"ALL","tokens":["BTC","ETH"]})", 5s));
  produce_all();

  std::multiset<std::string> want;
  std::map<std::string, int> reasons;
  for (const auto& r : corpus) {
    if (r.reason.empty())
      want.insert(r.value);
    else
      ++reasons[r.reason];
  }
  ASSERT_TRUE(wait_until(
      [&] {
        return metric_value(http_get(port, "/metrics").body, "kafka_messages_received_total") ==
               static_cast<double>(corpus.size());
      },
      30s))
      << "the gateway did not read the whole corpus";
  std::multiset<std::string> got;
  std::vector<std::string> unexpected;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto msg = client.read_text(got.size() < want.size() ? 200ms : 300ms);
    if (!msg) {
      if (got.size() >= want.size()) break;
      continue;
    }
    received_event e;
    if (!parse_event_frame(*msg, e))
      unexpected.push_back(*msg);
    else
      got.insert(e.data);
  }
  EXPECT_EQ(got, want) << "exactly the valid events, each once";
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  for (const auto& [reason, count] : reasons) {
    EXPECT_EQ(dropped(port, reason), count) << reason;
  }
  for (const char* reason : {"invalid_key", "not_json", "not_object", "unknown_type", "wrong_topic",
                             "key_mismatch", "bad_timestamp", "duplicate"}) {
    if (!reasons.contains(reason)) {
      EXPECT_EQ(dropped(port, reason), 0) << reason;
    }
  }
  EXPECT_FALSE(client.closed()) << "bad records never affect a client";
  EXPECT_TRUE(client.request(R"({"type":"ping","id":1})", 5s)) << "and the gateway still serves";
}

gateway::options gateway_options() {
  gateway::options o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.auth.public_balances = true;  // not about auth: ALL/balances anonymously
  o.io_threads = 1;
  o.cpu_reject_threshold = 1000;  // the shared test machine is often busy
  return o;
}

// A producer that is not odin's: librdkafka's C API, headers set by hand.
class foreign_producer {
 public:
  explicit foreign_producer(const std::string& bootstrap) {
    std::array<char, 512> err{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err.data(), err.size());
    rd_kafka_conf_set(conf, "linger.ms", "0", err.data(), err.size());
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size());
    if (rk_ == nullptr) throw std::runtime_error(err.data());
  }
  ~foreign_producer() { rd_kafka_destroy(rk_); }

  void produce(const std::string& topic, const corpus_record& r) {
    rd_kafka_headers_t* headers = rd_kafka_headers_new(1);
    if (!r.idempotency_key.empty()) {
      rd_kafka_header_add(headers, "odin-idempotency-key", -1, r.idempotency_key.data(),
                          static_cast<ssize_t>(r.idempotency_key.size()));
    }
    const char* key = r.key ? r.key->data() : nullptr;
    const std::size_t key_size = r.key ? r.key->size() : 0;
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key, key_size),
        RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_headers_destroy(headers);
      throw std::runtime_error(rd_kafka_err2str(err));
    }
  }
  bool flush() { return rd_kafka_flush(rk_, 20000) == RD_KAFKA_RESP_ERR_NO_ERROR; }

 private:
  rd_kafka_t* rk_ = nullptr;
};

class RecordFilterKafka : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka_.brokers = cluster_.bootstrap();
    kafka_.fetch_wait_max = 10ms;
    cluster_.create_odin_topics(kafka_.topics, 2);
    consumer_ = std::make_unique<bus::kafka_consumer>(kafka_);
    gateway_ = std::make_unique<gateway::gateway>(gateway_options(), *consumer_,
                                                  std::make_shared<prometheus::Registry>());
    gateway_->start();
    ASSERT_TRUE(
        wait_until([&] { return http_get(gateway_->port(), "/ready").status == 200; }, 30s));
  }
  void TearDown() override {
    if (gateway_) gateway_->stop();
  }
  void run(const std::vector<corpus_record>& corpus) {
    check_corpus(gateway_->port(), corpus, [&] {
      foreign_producer p(cluster_.bootstrap());
      for (const auto& r : corpus) p.produce(kafka_.topics.topic_of(r.topic), r);
      ASSERT_TRUE(p.flush());
    });
  }

  mock_cluster cluster_{1};
  bus::kafka_options kafka_;
  std::unique_ptr<bus::kafka_consumer> consumer_;
  std::unique_ptr<gateway::gateway> gateway_;
};

TEST_F(RecordFilterKafka, ForeignRecordsAreDroppedByReasonAndNeverDelivered) {
  run(bad_record_corpus());
}

TEST_F(RecordFilterKafka, ARepeatedIdempotencyKeyIsDeliveredOncePerTopic) {
  run(duplicate_corpus());
}

TEST(RecordFilterEmbedded, BadRecordsOnTheEmbeddedBusAreDroppedByReason) {
  bus::memory_bus bus{bus::memory_options{}};
  auto consumer = bus.make_consumer();
  gateway::gateway gw(gateway_options(), *consumer, std::make_shared<prometheus::Registry>());
  gw.start();
  const auto corpus = bad_record_corpus();
  check_corpus(gw.port(), corpus, [&] {
    for (const auto& r : corpus) ASSERT_TRUE(bus.append(r.topic, r.key.value_or(""), r.value));
  });
  gw.stop();
}

}  // namespace
}  // namespace odin::test
