// One leader-election candidate as its own process, for the lease contention test:
//   retort_kube_lease_candidate KUBECONFIG NAMESPACE LEASE IDENTITY
// Campaigns with the standard 15 s / 10 s / 2 s timing and prints "LEADING <ms>" and
// "STOPPED <ms>" (milliseconds of the steady clock shared by all processes on the machine) as
// leadership starts and ends. SIGTERM releases the lease and exits 0; SIGKILL is the crash case.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "kube/kubeconfig.hpp"
#include "kube/leader_elector.hpp"

namespace {

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s KUBECONFIG NAMESPACE LEASE IDENTITY\n", argv[0]);
    return 2;
  }
  // Block SIGTERM/SIGINT in every thread; the main thread waits for them synchronously.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  retort::kube::LeaderElectionConfig config;
  config.lease_namespace = argv[2];
  config.lease_name = argv[3];
  config.identity = argv[4];
  config.on_started_leading = [] {
    std::printf("LEADING %lld\n", now_ms());
    std::fflush(stdout);
  };
  config.on_stopped_leading = [] {
    std::printf("STOPPED %lld\n", now_ms());
    std::fflush(stdout);
  };
  try {
    retort::kube::LeaderElector elector(retort::kube::load_kubeconfig(argv[1]), config);
    elector.start();
    int received = 0;
    sigwait(&signals, &received);
    elector.stop();  // releases the lease if leading
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lease candidate: %s\n", e.what());
    return 1;
  }
  std::printf("EXITED %lld\n", now_ms());
  std::fflush(stdout);
  return 0;
}
