#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <tuple>

#include <CLI/CLI.hpp>

#include "config/loader.h"

namespace odin::config {
namespace {

using namespace std::chrono_literals;
using vars = std::map<std::string, std::string>;
constexpr unsigned all = loader::all_groups;

class Loader : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("odin_loader_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dotenv_path() const { return (dir_ / ".env").string(); }

  void write_dotenv(const std::string& text) const {
    std::ofstream out(dotenv_path());
    out << text;
  }

  // Parses `args` on a fresh command with a loader of `groups`; ./.env is dir_/.env.
  settings load(std::vector<std::string> args, const vars& env = {}, unsigned groups = all,
                const std::string& log_format = "json") const {
    CLI::App app("test");
    loader cfg(app, groups, log_format);
    std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
    app.parse(args);
    return cfg.finish(&env, dotenv_path());
  }

  // The config_error message of a load, or "no error".
  std::string error(std::vector<std::string> args, const vars& env = {}) const {
    try {
      load(std::move(args), env);
    } catch (const config_error& e) {
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
};

TEST_F(Loader, DefaultsAreTheOptionStructsAndThePlans) {
  const settings s = load({});
  EXPECT_EQ(s.gateway.host, "0.0.0.0");
  EXPECT_EQ(s.gateway.port, 3002);
  EXPECT_EQ(s.gateway.max_connections, 12000u);
  EXPECT_EQ(s.gateway.memory_limit_bytes, 0u) << "auto: cgroup memory.max, else 14.5GiB";
  EXPECT_EQ(s.gateway.cpu_limit_cores, 0) << "auto: cgroup cpu.max, else the affinity mask";
  EXPECT_EQ(s.kafka.instance_id, "") << "the hostname";
  EXPECT_EQ(s.kafka.brokers, "") << "KAFKA_BROKERS has no default: odin gateway requires it";
  EXPECT_EQ(s.kafka.group_id, "ws-server");
  EXPECT_EQ(s.kafka.topics.topic_of(model::kind::trade), "odin.trades");
  EXPECT_EQ(s.sim.tokens, (std::vector<std::string>{"BTC", "ETH", "SOL", "ODIN", "DOGE"}));
  EXPECT_EQ(s.sim.rate, 25);
  EXPECT_EQ(s.log_level, "info");
  EXPECT_EQ(s.log_format, "json");
  EXPECT_EQ(s.environment, "development");
  EXPECT_EQ(s.env_file, "") << "a missing default .env is fine";
  EXPECT_TRUE(s.warnings.empty());
  EXPECT_EQ(load({}, {}, all, "text").log_format, "text");
}

TEST_F(Loader, PrecedenceIsDefaultThenDotenvThenEnvironmentThenFlag) {
  EXPECT_EQ(load({}).gateway.max_connections, 12000u);
  write_dotenv("WS_MAX_CONNECTIONS=100\nSIM_RATE=7\n");
  settings s = load({});
  EXPECT_EQ(s.gateway.max_connections, 100u);
  EXPECT_EQ(s.env_file, dotenv_path());
  s = load({}, {{"WS_MAX_CONNECTIONS", "200"}});
  EXPECT_EQ(s.gateway.max_connections, 200u);
  EXPECT_EQ(s.sim.rate, 7) << ".env still fills what the environment leaves";
  s = load({"--max-connections", "300"}, {{"WS_MAX_CONNECTIONS", "200"}});
  EXPECT_EQ(s.gateway.max_connections, 300u);
  s = load({"--max-connections=400"}, {{"WS_MAX_CONNECTIONS", ""}});
  EXPECT_EQ(s.gateway.max_connections, 400u);
  EXPECT_EQ(load({}, {{"WS_MAX_CONNECTIONS", "  "}}).gateway.max_connections, 100u)
      << "an empty variable counts as unset";
  EXPECT_EQ(load({}, {{"WS_MAX_CONNECTIONS", " 250 "}}).gateway.max_connections, 250u);
}

TEST_F(Loader, ExplicitEnvFileMustExistAndReplacesDotenv) {
  write_dotenv("WS_MAX_CONNECTIONS=100\n");
  const std::string other = (dir_ / "prod.env").string();
  {
    std::ofstream out(other);
    out << "WS_MAX_CONNECTIONS=555\n";
  }
  settings s = load({"--env-file", other});
  EXPECT_EQ(s.gateway.max_connections, 555u);
  EXPECT_EQ(s.env_file, other);
  const std::string missing = (dir_ / "missing.env").string();
  EXPECT_EQ(error({"--env-file", missing}), missing + ": cannot read: No such file or directory");
  write_dotenv("WS_MAX_CONNECTIONS=100\nnot a line\n");
  EXPECT_EQ(error({}), dotenv_path() + ":2: no '=' (expected KEY=VALUE)");
}

TEST_F(Loader, BadValuesNameVariableValueAndWhatIsAllowed) {
  EXPECT_EQ(error({}, {{"WS_MAX_CONNECTIONS", "abc"}}),
            "WS_MAX_CONNECTIONS=\"abc\": expected a whole number from 1 to 1000000 (from the "
            "environment; flag --max-connections)");
  EXPECT_EQ(error({"--max-connections", "0"}),
            "WS_MAX_CONNECTIONS=\"0\": expected a whole number from 1 to 1000000 (from flag "
            "--max-connections)");
  write_dotenv("SIM_RATE=fast\n");
  EXPECT_EQ(error({}), "SIM_RATE=\"fast\": expected a number above 0 and at most 1000000 (from " +
                           dotenv_path() + "; flag --rate)");
}

TEST_F(Loader, EveryBadValueNamesItsVariableAndFlag) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"WS_ADDR", "3002", "--addr"},
      {"WS_ADDR", ":65536", "--addr"},
      {"WS_IO_THREADS", "-1", "--io-threads"},
      {"WS_IO_THREADS", "many", "--io-threads"},
      {"WS_MAX_CONNECTIONS", "1000001", "--max-connections"},
      {"WS_CPU_REJECT_THRESHOLD", "0", "--cpu-reject-threshold"},
      {"WS_CPU_REJECT_THRESHOLD", "100.5", "--cpu-reject-threshold"},
      {"WS_CPU_REJECT_THRESHOLD", "75%", "--cpu-reject-threshold"},
      {"WS_MEMORY_LIMIT", "lots", "--memory-limit"},
      {"WS_MEMORY_LIMIT", "1KiB", "--memory-limit"},
      {"WS_MAX_MESSAGE_BYTES", "1GiB", "--max-message-bytes"},
      {"WS_MAX_QUEUE_BYTES", "10", "--max-queue-bytes"},
      {"WS_MAX_SUBSCRIPTIONS", "0", "--max-subscriptions"},
      {"WS_MAX_TOKENS_PER_REQUEST", "x", "--max-tokens-per-request"},
      {"METRICS_INTERVAL", "15", "--metrics-interval"},
      {"METRICS_INTERVAL", "2h", "--metrics-interval"},
      {"WS_HANDSHAKE_TIMEOUT", "1ms", "--handshake-timeout"},
      {"WS_SHUTDOWN_TIMEOUT", "1d", "--shutdown-timeout"},
      {"WS_SHARD_INBOX_FRAMES", "1", "--shard-inbox-frames"},
      {"WS_FLUSH_INTERVAL", "7", "--flush-interval"},
      {"WS_FLUSH_INTERVAL", "1s", "--flush-interval"},
      {"KAFKA_BROKERS", "host:port", "--brokers"},
      {"KAFKA_GROUP_ID", "ws server", "--group-id"},
      {"KAFKA_CLIENT_ID", "a b", "--client-id"},
      {"KAFKA_TOPIC_TRADES", "odin trades", "--topic-trades"},
      {"KAFKA_TOPIC_BALANCES", "..", "--topic-balances"},
      {"KAFKA_LINGER_MS", "5ms", "--linger-ms"},
      {"KAFKA_DELIVERY_TIMEOUT_MS", "0", "--delivery-timeout-ms"},
      {"KAFKA_ACKS", "some", "--acks"},
      {"KAFKA_COMPRESSION", "brotli", "--compression"},
      {"KAFKA_FETCH_WAIT_MAX_MS", "300001", "--fetch-wait-max-ms"},
      {"KAFKA_LOOKBACK", "-5m", "--lookback"},
      {"BUS_PARTITIONS", "0", "--partitions"},
      {"BUS_RETENTION_RECORDS", "0", "--retention-records"},
      {"BUS_RETENTION_BYTES", "1", "--retention-bytes"},
      {"BUS_RETENTION", "10ms", "--retention"},
      {"SIM_TOKENS", "BTC,E.TH", "--tokens"},
      {"SIM_TOKENS", "BTC,BTC", "--tokens"},
      {"SIM_RATE", "0", "--rate"},
      {"SIM_RATE", "1000001", "--rate"},
      {"SIM_TOKEN_POOL", "-3", "--token-pool"},
      {"SIM_SEED", "x", "--seed"},
      {"SIM_USERS", "0", "--users"},
      {"SIM_USERS", "100000001", "--users"},
      {"LOG_LEVEL", "verbose", "--log-level"},
      {"LOG_FORMAT", "xml", "--log-format"},
  };
  for (const auto& [name, value, flag] : cases) {
    const std::string from_env = error({}, {{name, value}});
    EXPECT_TRUE(from_env.starts_with(name + "=\"" + value + "\": expected") ||
                from_env.starts_with(name + "=\"" + value + "\": token"))
        << from_env;
    EXPECT_NE(from_env.find("flag " + flag + ")"), std::string::npos) << from_env;
    const std::string from_flag = error({flag, value});
    EXPECT_TRUE(from_flag.starts_with(name + "=\"" + value + "\":")) << from_flag;
    EXPECT_NE(from_flag.find("(from flag " + flag + ")"), std::string::npos) << from_flag;
  }
  EXPECT_NE(error({}, {{"LOG_LEVEL", "verbose"}}).find("trace, debug, info, warn or error"),
            std::string::npos);
  EXPECT_NE(error({}, {{"KAFKA_COMPRESSION", "brotli"}}).find("none, gzip, snappy, lz4, zstd"),
            std::string::npos);
}

TEST_F(Loader, ParsesEachKindOfValue) {
  const settings s =
      load({"--addr", "[::1]:4000", "--memory-limit", "512MiB", "--lookback", "5m", "--acks", "-1"},
           {{"WS_CPU_REJECT_THRESHOLD", "90.5"},
            {"METRICS_INTERVAL", "500ms"},
            {"WS_MAX_QUEUE_BYTES", "2MiB"},
            {"WS_IO_THREADS", "4"},
            {"WS_FLUSH_INTERVAL", "250us"},
            {"KAFKA_BROKERS", "a:9092, b:9092"},
            {"KAFKA_LINGER_MS", "5"},
            {"KAFKA_FETCH_WAIT_MAX_MS", "0"},
            {"BUS_RETENTION", "1m30s"},
            {"BUS_PARTITIONS", "3"},
            {"SIM_TOKENS", "AAA, BBB"},
            {"SIM_RATE", "2.5"},
            {"LOG_LEVEL", "debug"},
            {"ENVIRONMENT", "production"}});
  EXPECT_EQ(s.gateway.host, "::1");
  EXPECT_EQ(s.gateway.port, 4000);
  EXPECT_EQ(s.gateway.memory_limit_bytes, 512u << 20);
  EXPECT_EQ(s.gateway.cpu_reject_threshold, 90.5);
  EXPECT_EQ(s.gateway.guard_interval, 500ms);
  EXPECT_EQ(s.gateway.max_queue_bytes, 2u << 20);
  EXPECT_EQ(s.gateway.io_threads, 4u);
  EXPECT_EQ(s.gateway.flush_interval, 250us);
  EXPECT_EQ(s.kafka.brokers, "a:9092,b:9092");
  EXPECT_EQ(s.kafka.linger, 5ms);
  EXPECT_EQ(s.kafka.fetch_wait_max, 0ms);
  EXPECT_EQ(s.kafka.lookback, 5min);
  EXPECT_EQ(s.kafka.acks, "all");
  EXPECT_EQ(s.memory.retention_time, 90s);
  EXPECT_EQ(s.memory.partitions, 3);
  EXPECT_EQ(s.sim.tokens, (std::vector<std::string>{"AAA", "BBB"}));
  EXPECT_EQ(s.sim.rate, 2.5);
  EXPECT_EQ(s.log_level, "debug");
  EXPECT_EQ(s.environment, "production");
  EXPECT_EQ(load({"--addr", ":0"}).gateway.port, 0);
  EXPECT_EQ(load({"--addr", "127.0.0.1:3002"}).gateway.host, "127.0.0.1");
  EXPECT_EQ(load({}, {{"WS_MEMORY_LIMIT", "15569256448"}}).gateway.memory_limit_bytes,
            15569256448u);
  EXPECT_EQ(load({}, {{"WS_MEMORY_LIMIT", "auto"}}).gateway.memory_limit_bytes, 0u);
  EXPECT_EQ(load({}, {{"WS_CPU_LIMIT", "1.5"}}).gateway.cpu_limit_cores, 1.5);
  EXPECT_EQ(load({"--cpu-limit", "auto"}, {{"WS_CPU_LIMIT", "2"}}).gateway.cpu_limit_cores, 0);
  EXPECT_THROW(load({}, {{"WS_CPU_LIMIT", "0"}}), config_error);
  EXPECT_EQ(load({}, {{"KAFKA_INSTANCE_ID", "gw-1"}}).kafka.instance_id, "gw-1");
  EXPECT_EQ(load({}, {{"WS_IDEMPOTENCY_WINDOW", "0"}}).gateway.idempotency_window, 0ms);
  EXPECT_EQ(load({"--duplicate-max-keys", "10"}).gateway.idempotency_max_keys, 10u);
}

TEST_F(Loader, TopicOverridesAndDuplicates) {
  settings s = load({"--topic-social", "prod.social"}, {{"KAFKA_TOPIC_TRADES", "prod.trades"}});
  EXPECT_EQ(s.kafka.topics.topic_of(model::kind::trade), "prod.trades");
  EXPECT_EQ(s.kafka.topics.topic_of(model::kind::social), "prod.social");
  EXPECT_EQ(s.kafka.topics.topic_of(model::kind::balances), "odin.balances");
  EXPECT_EQ(s.kafka.topics.kind_of_topic("prod.trades"), model::kind::trade);
  EXPECT_EQ(error({}, {{"KAFKA_TOPIC_SOCIAL", "odin.trades"}}),
            "KAFKA_TOPIC_TRADES and KAFKA_TOPIC_SOCIAL both name topic 'odin.trades': every kind "
            "needs its own topic (KAFKA_TOPIC_*, --topic-*)");
}

TEST_F(Loader, DeliveryTimeoutMustExceedLinger) {
  EXPECT_EQ(error({"--linger-ms", "100", "--delivery-timeout-ms", "100"}),
            "KAFKA_DELIVERY_TIMEOUT_MS=100 must be greater than KAFKA_LINGER_MS=100 (librdkafka: "
            "message.timeout.ms must be greater than linger.ms)");
  EXPECT_EQ(load({"--linger-ms", "100", "--delivery-timeout-ms", "101"}).kafka.linger, 100ms);
}

TEST_F(Loader, TokenPoolReplacesTokens) {
  settings s = load({}, {{"SIM_TOKEN_POOL", "3"}});
  EXPECT_EQ(s.sim.tokens, (std::vector<std::string>{"T0001", "T0002", "T0003"}));
  EXPECT_TRUE(s.warnings.empty());
  s = load({"--token-pool", "2"}, {{"SIM_TOKENS", "BTC"}});
  EXPECT_EQ(s.sim.tokens, (std::vector<std::string>{"T0001", "T0002"}));
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0], "SIM_TOKEN_POOL is above 0: it replaces SIM_TOKENS");
  s = load({}, {{"SIM_TOKENS", "BTC"}, {"SIM_TOKEN_POOL", "0"}});
  EXPECT_EQ(s.sim.tokens, (std::vector<std::string>{"BTC"}));
  EXPECT_TRUE(s.warnings.empty());
}

TEST_F(Loader, PlanVariablesThatDoNotApplyAreWarnedAbout) {
  const std::vector<std::string> ignored = {"WS_WORKER_POOL_SIZE",   "WS_WORKER_QUEUE_SIZE",
                                            "WS_MAX_GOROUTINES",     "WS_MAX_KAFKA_RATE",
                                            "WS_MAX_BROADCAST_RATE", "WS_CPU_PAUSE_THRESHOLD"};
  for (const auto& name : ignored) {
    const settings s = load({}, {{name, "1"}});
    ASSERT_EQ(s.warnings.size(), 1u) << name;
    EXPECT_TRUE(s.warnings[0].starts_with(name + " is set but ignored: ")) << s.warnings[0];
  }
  write_dotenv("WS_WORKER_POOL_SIZE=192\nWS_MAX_KAFKA_RATE=25\n");
  settings s = load({});
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_NE(s.warnings[0].find("no worker pool"), std::string::npos) << s.warnings[0];
  EXPECT_NE(s.warnings[1].find("never drops"), std::string::npos) << s.warnings[1];
  // Only the gateway cares: a publisher sharing the .env stays quiet.
  EXPECT_TRUE(load({}, {}, loader::kafka_group | loader::sim_group).warnings.empty());
}

TEST_F(Loader, UnknownVariablesWithOurPrefixesAreWarnedAbout) {
  write_dotenv("WS_MAX_CONECTIONS=10\nNODE_ENV=production\n");
  const settings s = load({}, {{"KAFKA_BROKER", "x"}, {"HOME", "/root"}});
  ASSERT_EQ(s.warnings.size(), 2u);
  EXPECT_EQ(s.warnings[0], "KAFKA_BROKER is not a setting odin knows (a typo?); ignored");
  EXPECT_EQ(s.warnings[1], "WS_MAX_CONECTIONS is not a setting odin knows (a typo?); ignored");
}

TEST_F(Loader, OnlyTheRequestedGroupsAreRegisteredAndApplied) {
  const unsigned gateway = loader::gateway_group | loader::log_group;
  const settings s = load({}, {{"SIM_RATE", "bad"}, {"KAFKA_BROKERS", "::"}}, gateway);
  EXPECT_EQ(s.sim.rate, 25) << "settings of other groups are ignored, not validated";
  EXPECT_THROW(load({"--rate", "5"}, {}, gateway), CLI::ParseError);
  EXPECT_EQ(load({"--log-level", "warn"}, {}, gateway).log_level, "warn");
}

TEST_F(Loader, HelpNamesVariablesAndDefaults) {
  CLI::App app("test");
  loader cfg(app, all, "text");
  const std::string help = app.help();
  for (const char* expected :
       {"--addr ADDR", "WebSocket/HTTP listen address [env WS_ADDR, default :3002]",
        "[env WS_MEMORY_LIMIT, default auto]", "[env WS_CPU_LIMIT, default auto]",
        "[env METRICS_INTERVAL, default 1s]", "[env KAFKA_TOPIC_TRADES, default odin.trades]",
        "[env SIM_TOKENS, default BTC,ETH,SOL,ODIN,DOGE]", "[env LOG_FORMAT, default text]",
        "--env-file PATH", "Gateway:", "Kafka:", "Memory bus:", "Simulator:", "Logging:"}) {
    EXPECT_NE(help.find(expected), std::string::npos) << expected << "\n" << help;
  }
}

TEST_F(Loader, SimUsersDefaultsToThePlansUser999) {
  EXPECT_EQ(load({}).sim.users, 999);
  EXPECT_EQ(load({}, {{"SIM_USERS", "10000"}}).sim.users, 10000);
  EXPECT_EQ(load({"--users", "5"}, {{"SIM_USERS", "10000"}}).sim.users, 5);
}

TEST_F(Loader, EverySettingHasARow) {
  std::set<std::string_view> envs, flags;
  for (const auto& row : setting_rows()) {
    EXPECT_TRUE(envs.insert(row.env).second) << row.env;
    EXPECT_TRUE(flags.insert(row.flag).second) << row.flag;
    EXPECT_TRUE(row.flag.starts_with("--"));
  }
  for (auto k : model::all_kinds) {
    EXPECT_TRUE(envs.contains("KAFKA_TOPIC_" + std::string(model::topic_env_suffix(k))));
  }
}

}  // namespace
}  // namespace odin::config
