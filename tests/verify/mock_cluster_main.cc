// odin_mock_kafka: librdkafka's mock cluster as a process, for trying `odin verify` (and
// bench/results/verify.md) without a real cluster. Creates the topics given (default
// market-telemetry, 12 partitions, RF 3 on 3 brokers), prints the bootstrap list on stdout,
// and runs until stdin closes or SIGINT/SIGTERM.
//   build/ci/tests/verify/odin_mock_kafka [brokers] [topic:partitions ...]
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "support/mock_cluster.h"

int main(int argc, char** argv) {
  // Blocked before any thread starts, then awaited with sigwait.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  const int brokers = argc > 1 ? std::stoi(argv[1]) : 3;
  odin::test::mock_cluster cluster(brokers);
  const int rf = brokers < 3 ? brokers : 3;
  if (argc <= 2) cluster.create_topic("market-telemetry", 12, rf);
  for (int i = 2; i < argc; ++i) {
    const std::string spec = argv[i];
    const auto colon = spec.find(':');
    cluster.create_topic(spec.substr(0, colon),
                         colon == std::string::npos ? 12 : std::stoi(spec.substr(colon + 1)), rf);
  }
  std::cout << cluster.bootstrap() << std::endl;
  std::thread stdin_watch([] {
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    kill(getpid(), SIGTERM);
  });
  stdin_watch.detach();
  int sig = 0;
  sigwait(&set, &sig);
  return 0;
}
