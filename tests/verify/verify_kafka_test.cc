// `odin verify`'s engine against librdkafka's mock cluster (3 brokers, the topic created
// through the mock API). The mock shares 2 cores with everything else here, so thresholds
// are relaxed: these tests check counting and validation, never speed.
#include <gtest/gtest.h>

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <string>

#include "support/bus_test_util.h"
#include "verify/runner.h"
#include "verify/telemetry_codec.h"
#include "verify/telemetry_producer.h"

namespace odin::verify {
namespace {

using namespace std::chrono_literals;

constexpr thresholds relaxed{5'000, 10'000, 50};

options small_run(std::string topic = "market-telemetry") {
  options o;
  o.topic = std::move(topic);
  o.rate = 1'000;
  o.count = 1'500;
  o.schema_id = 42;
  o.symbols = 24;
  o.drain = 20s;
  o.timeout = 15s;
  o.limits = relaxed;
  return o;
}

// A plain librdkafka producer, independent of odin verify's.
class raw_producer {
 public:
  explicit raw_producer(const std::string& brokers) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string err;
    conf->set("bootstrap.servers", brokers, err);
    p_.reset(RdKafka::Producer::create(conf.get(), err));
    EXPECT_TRUE(p_) << err;
  }
  void send(const std::string& topic, const std::string& key, const std::string& value) {
    const auto err = p_->produce(topic, RdKafka::Topic::PARTITION_UA,
                                 RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
                                 value.size(), key.data(), key.size(), 0, nullptr);
    ASSERT_EQ(err, RdKafka::ERR_NO_ERROR);
  }
  void flush() { ASSERT_EQ(p_->flush(15'000), RdKafka::ERR_NO_ERROR); }

 private:
  std::unique_ptr<RdKafka::Producer> p_;
};

class VerifyKafka : public ::testing::Test {
 protected:
  void SetUp() override { cluster_.create_topic("market-telemetry", 12, 3); }

  test::mock_cluster cluster_{3};
  bus::kafka_options kafka_ = [this] {
    auto o = test::mock_options(cluster_, "verify-test");
    o.fetch_wait_max = 5ms;
    return o;
  }();
};

TEST_F(VerifyKafka, ShortRunPassesWithRelaxedThresholds) {
  const options o = small_run();
  auto r = run_verify(kafka_, o);
  ASSERT_TRUE(r) << r.error().message;
  const run_result& res = r.value();
  EXPECT_EQ(res.partitions, 12);
  EXPECT_EQ(res.produced, 1'500u);
  EXPECT_EQ(res.acked, 1'500u);
  EXPECT_EQ(res.consumer.ours, 1'500u);
  EXPECT_EQ(res.consumer.primes, 12u);
  EXPECT_EQ(res.consumer.consumed, 1'512u);
  EXPECT_EQ(res.consumer.valid, 1'512u);
  EXPECT_EQ(res.consumer.invalid(), 0u);
  EXPECT_EQ(res.consumer.foreign, 0u);
  EXPECT_EQ(res.lost, 0u);
  EXPECT_EQ(res.consumer.latency_us.count(), 1'500u);
  EXPECT_GT(res.consumer.latency_us.min(), 0u);
  const verdict v = judge(res, o.limits);
  EXPECT_TRUE(v.pass) << report_json(res, v, o.limits).dump(2);

  // What the cluster holds, read by a plain consumer: 1,512 records of the wire format with
  // schema id 42, each decoding with the schema, keyed by its symbol.
  const auto log = cluster_.read_log({"market-telemetry"}, 12, 20s);
  ASSERT_EQ(log.size(), 1'512u);
  telemetry_codec codec;
  std::map<int, int> per_partition;
  for (const auto& rec : log) {
    auto p = codec.decode(rec.value, 42);
    ASSERT_TRUE(p) << name_of(p.error());
    EXPECT_EQ(p.value().source, "odin-verify");
    ++per_partition[rec.partition];
  }
  EXPECT_EQ(per_partition.size(), 12u) << "keys spread over every partition";
}

TEST_F(VerifyKafka, CorruptedRecordsOfAnotherProducerAreCountedInvalid) {
  options o = small_run();
  o.count = 300;
  o.rate = 500;
  raw_producer other(cluster_.bootstrap());
  o.on_ready = [&] {
    telemetry_codec codec;
    telemetry_point p = sample_point(3, 8, 1732280000123);
    std::string good;
    ASSERT_TRUE(codec.encode(p, 42, good));
    std::string other_id;
    ASSERT_TRUE(codec.encode(p, 43, other_id));
    other.send("market-telemetry", p.symbol, good);                             // valid, foreign
    other.send("market-telemetry", p.symbol, R"({"symbol":"VRFY-03"})");        // bad magic
    other.send("market-telemetry", p.symbol, other_id);                         // wrong schema id
    other.send("market-telemetry", p.symbol, good.substr(0, good.size() - 3));  // truncated
    other.send("market-telemetry", p.symbol, good + "\x01");                    // trailing byte
    other.send("market-telemetry", "SOMETHING-ELSE", good);                     // key ≠ symbol
    other.flush();
  };
  auto r = run_verify(kafka_, o);
  ASSERT_TRUE(r) << r.error().message;
  const run_stats& s = r.value().consumer;
  auto invalid = [&](invalid_reason why) {
    return s.invalid_by_reason[static_cast<std::size_t>(why)];
  };
  EXPECT_EQ(invalid(invalid_reason::bad_magic), 1u);
  EXPECT_EQ(invalid(invalid_reason::wrong_schema_id), 1u);
  EXPECT_EQ(invalid(invalid_reason::undecodable), 1u);
  EXPECT_EQ(invalid(invalid_reason::trailing_bytes), 1u);
  EXPECT_EQ(invalid(invalid_reason::key_mismatch), 1u);
  EXPECT_EQ(s.invalid(), 5u);
  EXPECT_EQ(s.foreign, 6u);
  EXPECT_EQ(s.ours, 300u);
  EXPECT_EQ(s.valid, 300u + 12u + 1u);
  EXPECT_EQ(r.value().lost, 0u);
  const verdict v = judge(r.value(), o.limits);
  EXPECT_FALSE(v.pass);
  for (const check& c : v.checks) EXPECT_EQ(c.pass, c.name != "invalid") << c.text;
}

TEST_F(VerifyKafka, JsonOnAnyTopic) {
  cluster_.create_topic("verify-scratch", 4, 3);
  options o = small_run("verify-scratch");
  o.format = payload_format::json;
  o.count = 400;
  raw_producer other(cluster_.bootstrap());
  o.on_ready = [&] {
    other.send("verify-scratch", "VRFY-01", R"({"symbol":"VRFY-01","price":1})");  // incomplete
    other.flush();
  };
  auto r = run_verify(kafka_, o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().partitions, 4);
  EXPECT_EQ(r.value().consumer.ours, 400u);
  EXPECT_EQ(r.value().consumer.invalid(), 1u);
  EXPECT_EQ(
      r.value().consumer.invalid_by_reason[static_cast<std::size_t>(invalid_reason::json_mismatch)],
      1u);
  const auto log = cluster_.read_log({"verify-scratch"}, 4, 20s);
  ASSERT_EQ(log.size(), 405u);
  EXPECT_EQ(log.front().value.front(), '{');
}

TEST_F(VerifyKafka, MissingTopicIsAnErrorNotARun) {
  options o = small_run("no-such-topic");
  auto r = run_verify(kafka_, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("topic no-such-topic does not exist"), std::string::npos)
      << r.error().message;
  const auto log = cluster_.read_log({"market-telemetry"}, 12, 20s);
  EXPECT_TRUE(log.empty());
}

TEST(VerifyNoBroker, SaysWhatToCheck) {
  bus::kafka_options kafka;
  kafka.brokers = "127.0.0.1:1";
  options o = small_run();
  o.timeout = 1s;
  auto r = run_verify(kafka, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("is Kafka/Redpanda running?"), std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace odin::verify
