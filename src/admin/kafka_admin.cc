#include "admin/kafka_admin.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include <fmt/format.h>
#include <librdkafka/rdkafkacpp.h>

#include "bus/kafka_common.h"

namespace odin::admin {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct queue_deleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct options_deleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
struct event_deleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;
using options_ptr = std::unique_ptr<rd_kafka_AdminOptions_t, options_deleter>;
using event_ptr = std::unique_ptr<rd_kafka_event_t, event_deleter>;

// The broker must have answered well before our own deadline; the extra second lets
// librdkafka deliver its own timeout result first (with its reason) when it has one.
constexpr milliseconds poll_grace{1000};
constexpr milliseconds poll_slice{100};

bool is_timeout(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE ||
         err == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT;
}

std::string error_text(rd_kafka_resp_err_t err, const char* detail) {
  std::string text = rd_kafka_err2name(err);
  if (detail != nullptr && *detail != '\0') text += fmt::format(": {}", detail);
  return text;
}

admin_result<options_ptr> make_options(rd_kafka_t* rk, rd_kafka_admin_op_t op,
                                       milliseconds timeout) {
  options_ptr options(rd_kafka_AdminOptions_new(rk, op));
  std::array<char, 512> errstr{};
  const int ms = static_cast<int>(timeout.count());
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), ms, errstr.data(), errstr.size()) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return admin_error{admin_errc::invalid_argument, errstr.data()};
  }
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS &&
      rd_kafka_AdminOptions_set_operation_timeout(options.get(), std::max(ms * 2 / 3, 1),
                                                  errstr.data(),
                                                  errstr.size()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return admin_error{admin_errc::invalid_argument, errstr.data()};
  }
  return options;
}

// Polls `queue` until an event of `type` arrives or `deadline` passes (then nullptr).
// Bounded: one slice of at most 100 ms per iteration, until the deadline.
event_ptr await_event(rd_kafka_queue_t* queue, rd_kafka_event_type_t type, RdKafka::Handle& h,
                      clock::time_point deadline) {
  for (auto now = clock::now(); now < deadline; now = clock::now()) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - now);
    event_ptr ev(rd_kafka_queue_poll(queue, static_cast<int>(std::min(left, poll_slice).count())));
    h.poll(0);  // serve error events to the logger
    if (ev && rd_kafka_event_type(ev.get()) == type) return ev;
  }
  return nullptr;
}

partition_info to_partition(const rd_kafka_metadata_partition_t& p) {
  partition_info info;
  info.id = p.id;
  info.leader = p.leader;
  info.replicas.assign(p.replicas, p.replicas + p.replica_cnt);
  info.isr.assign(p.isrs, p.isrs + p.isr_cnt);
  if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) info.error = rd_kafka_err2name(p.err);
  return info;
}

cluster_info to_cluster(const rd_kafka_metadata_t& md) {
  cluster_info cluster;
  for (int i = 0; i < md.broker_cnt; ++i) {
    cluster.brokers.push_back({md.brokers[i].id, md.brokers[i].host, md.brokers[i].port});
  }
  for (int i = 0; i < md.topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md.topics[i];
    topic_info topic{t.topic, {}, {}};
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) topic.error = rd_kafka_err2name(t.err);
    for (int p = 0; p < t.partition_cnt; ++p)
      topic.partitions.push_back(to_partition(t.partitions[p]));
    std::sort(topic.partitions.begin(), topic.partitions.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    cluster.topics.push_back(std::move(topic));
  }
  std::sort(cluster.brokers.begin(), cluster.brokers.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  std::sort(cluster.topics.begin(), cluster.topics.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return cluster;
}

create_result to_create_result(const topic_spec& spec, const rd_kafka_topic_result_t** results,
                               std::size_t count) {
  create_result r{spec.name, create_status::failed, "no result from the broker"};
  for (std::size_t i = 0; i < count; ++i) {
    if (spec.name != rd_kafka_topic_result_name(results[i])) continue;
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    r.error.clear();
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      r.status = create_status::created;
    } else if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      r.status = create_status::exists;
    } else {
      r.error = error_text(err, rd_kafka_topic_result_error_string(results[i]));
    }
  }
  return r;
}

}  // namespace

const topic_info* cluster_info::find(const std::string& topic) const {
  for (const topic_info& t : topics) {
    if (t.name == topic) return &t;
  }
  return nullptr;
}

std::string format_seconds(milliseconds d) {
  return fmt::format("{:g} s", static_cast<double>(d.count()) / 1000.0);
}

kafka_admin::kafka_admin(const bus::kafka_options& options, milliseconds timeout)
    : brokers_(options.brokers),
      timeout_(timeout),
      logger_(std::make_unique<bus::kafka_event_logger>("admin")) {
  std::unique_ptr<RdKafka::Conf> conf = bus::make_kafka_conf(options, *logger_);
  bus::set_kafka_property(*conf, "socket.timeout.ms",
                          std::to_string(std::max<int64_t>(timeout.count(), 10)));
  bus::apply_extra_properties(*conf, options);
  std::string err;
  client_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!client_) throw std::invalid_argument("kafka admin client: " + err);
}

kafka_admin::~kafka_admin() = default;

RdKafka::Handle& kafka_admin::client() {
  return *client_;
}

admin_error kafka_admin::timeout_error(const char* what) const {
  if (metadata_answered_) {
    return {admin_errc::timed_out,
            fmt::format("no answer from brokers {} to {} within {} — they answer metadata "
                        "requests, so does the broker support the Kafka Admin API? (librdkafka's "
                        "mock cluster does not) (KAFKA_BROKERS)",
                        brokers_, what, format_seconds(timeout_))};
  }
  return {admin_errc::timed_out,
          fmt::format("no answer from brokers {} within {} — is Kafka/Redpanda running? "
                      "(KAFKA_BROKERS)",
                      brokers_, format_seconds(timeout_))};
}

admin_result<cluster_info> kafka_admin::metadata() {
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(client_->c_ptr(), 1, nullptr, &md, static_cast<int>(timeout_.count()));
  if (is_timeout(err)) return timeout_error("a metadata request");
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Refused connections, unresolvable names: librdkafka keeps retrying until the timeout,
    // so this too is "no answer within the timeout", with the last reason added.
    admin_error e = timeout_error("a metadata request");
    e.code = admin_errc::transport;
    e.message += fmt::format(". Last error: {}", rd_kafka_err2str(err));
    return e;
  }
  cluster_info cluster = to_cluster(*md);
  rd_kafka_metadata_destroy(md);
  metadata_answered_ = true;
  return cluster;
}

admin_result<rd_kafka_op_s*> kafka_admin::await_result(rd_kafka_queue_s* queue, int event_type,
                                                       const char* what) {
  event_ptr ev = await_event(queue, event_type, *client_, clock::now() + timeout_ + poll_grace);
  if (!ev) return timeout_error(what);
  const rd_kafka_resp_err_t err = rd_kafka_event_error(ev.get());
  if (is_timeout(err)) return timeout_error(what);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return admin_error{admin_errc::broker,
                       fmt::format("{} on brokers {} failed: {}", what, brokers_,
                                   error_text(err, rd_kafka_event_error_string(ev.get())))};
  }
  return ev.release();
}

admin_result<std::vector<create_result>> kafka_admin::create_topics(
    std::span<const topic_spec> specs) {
  std::vector<rd_kafka_NewTopic_t*> topics;
  auto destroy_topics = [&] { rd_kafka_NewTopic_destroy_array(topics.data(), topics.size()); };
  std::array<char, 512> errstr{};
  for (const topic_spec& spec : specs) {
    rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(
        spec.name.c_str(), spec.partitions, spec.replication_factor, errstr.data(), errstr.size());
    if (t == nullptr) {
      destroy_topics();
      return admin_error{admin_errc::invalid_argument,
                         fmt::format("topic {}: {}", spec.name, errstr.data())};
    }
    topics.push_back(t);
    for (const auto& [key, value] : spec.configs) {
      rd_kafka_NewTopic_set_config(t, key.c_str(), value.c_str());
    }
  }
  auto options = make_options(client_->c_ptr(), RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_);
  if (!options) {
    destroy_topics();
    return options.error();
  }
  queue_ptr queue(rd_kafka_queue_new(client_->c_ptr()));
  rd_kafka_CreateTopics(client_->c_ptr(), topics.data(), topics.size(), options.value().get(),
                        queue.get());
  destroy_topics();  // the request holds its own copies
  auto ev = await_result(queue.get(), RD_KAFKA_EVENT_CREATETOPICS_RESULT, "CreateTopics");
  if (!ev) return ev.error();
  event_ptr owned(ev.value());
  std::size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(owned.get()), &count);
  std::vector<create_result> out;
  for (const topic_spec& spec : specs) out.push_back(to_create_result(spec, results, count));
  return out;
}

namespace {

topic_configs to_topic_configs(const rd_kafka_ConfigResource_t* res) {
  topic_configs tc;
  tc.topic = rd_kafka_ConfigResource_name(res);
  const rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(res);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    tc.error = error_text(err, rd_kafka_ConfigResource_error_string(res));
    return tc;
  }
  std::size_t count = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(res, &count);
  for (std::size_t i = 0; i < count; ++i) {
    const char* value = rd_kafka_ConfigEntry_value(entries[i]);  // NULL when sensitive
    tc.entries[rd_kafka_ConfigEntry_name(entries[i])] = config_entry{
        value != nullptr ? value : "(hidden)", rd_kafka_ConfigEntry_is_default(entries[i]) != 0};
  }
  return tc;
}

}  // namespace

admin_result<std::vector<topic_configs>> kafka_admin::describe_configs(
    std::span<const std::string> topics) {
  return describe(RD_KAFKA_RESOURCE_TOPIC, topics);
}

admin_result<topic_configs> kafka_admin::describe_broker_configs(int32_t broker_id) {
  const std::string name = std::to_string(broker_id);
  auto configs = describe(RD_KAFKA_RESOURCE_BROKER, std::span<const std::string>(&name, 1));
  if (!configs) return configs.error();
  return std::move(configs.value().front());
}

admin_result<std::vector<topic_configs>> kafka_admin::describe(int resource_type,
                                                               std::span<const std::string> names) {
  std::vector<rd_kafka_ConfigResource_t*> resources;
  for (const std::string& n : names) {
    resources.push_back(rd_kafka_ConfigResource_new(
        static_cast<rd_kafka_ResourceType_t>(resource_type), n.c_str()));
  }
  auto destroy = [&] { rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size()); };
  auto options = make_options(client_->c_ptr(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout_);
  if (!options) {
    destroy();
    return options.error();
  }
  queue_ptr queue(rd_kafka_queue_new(client_->c_ptr()));
  rd_kafka_DescribeConfigs(client_->c_ptr(), resources.data(), resources.size(),
                           options.value().get(), queue.get());
  destroy();
  auto ev = await_result(queue.get(), RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, "DescribeConfigs");
  if (!ev) return ev.error();
  event_ptr owned(ev.value());
  std::size_t count = 0;
  const rd_kafka_ConfigResource_t** res = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(owned.get()), &count);
  std::vector<topic_configs> out;
  for (const std::string& n : names) {
    topic_configs tc{n, {}, "no result from the broker"};
    for (std::size_t i = 0; i < count; ++i) {
      if (n == rd_kafka_ConfigResource_name(res[i])) tc = to_topic_configs(res[i]);
    }
    out.push_back(std::move(tc));
  }
  return out;
}

}  // namespace odin::admin
