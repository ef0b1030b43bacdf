// `retort controller`: runs the SchemaVersion controller (docs/operator.md) until SIGTERM or
// SIGINT, or until it loses its Lease (then it exits non-zero so it restarts as a fresh
// candidate). Logs through the engine's logger in logfmt (default) or JSON; every line about a
// SchemaVersion carries its namespace= and name=; the URL of a database never reaches a log line.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>

#include "cli/command.hpp"
#include "engine/util/log.hpp"
#include "kube/client_config.hpp"
#include "kube/kubeconfig.hpp"
#include "kube/process_footprint.hpp"
#include "operator/runtime/bind_address.hpp"
#include "operator/runtime/log_fields.hpp"
#include "operator/schema_version/manager.hpp"

namespace retort::cli {
namespace {

struct ControllerOptions {
  std::string kubeconfig;
  std::string watchNamespace;
  bool leaderElect = false;
  std::string leaseNamespace = "retort-system";
  std::string leaseName = "retort-controller";
  std::string logFormat = "logfmt";
  std::string metricsBindAddress = "127.0.0.1:8080";
  std::string healthProbeBindAddress = "127.0.0.1:8081";
  std::string driftCheckInterval = "5m";
  int workers = 2;
};

// A lost Lease ends the process (exit code 1); SIGUSR1 carries that to the waiting thread.
constexpr int kLeadershipLostSignal = SIGUSR1;

CLI::Validator bindAddress() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        try {
          op::civetwebPorts(value);
          return {};
        } catch (const std::invalid_argument& error) {
          return error.what();
        }
      },
      "HOST:PORT|:PORT|0");
}

void runController(const ControllerOptions& args) {
  // Block the stop signals before the first thread (cpprestsdk's pool is made just below), so
  // that every thread inherits the mask and this one alone takes them, with sigwait. A thread
  // that did not block them would receive a SIGTERM sent while this one is still starting up,
  // and its default action would end the process without a clean stop.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, kLeadershipLostSignal);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  kube::limit_process_footprint();  // before the first HTTP request
  engine::Log::setFormat(
      engine::parseLogFormat(args.logFormat).value_or(engine::LogFormat::Logfmt));

  const kube::ClientConfig config = args.kubeconfig.empty()
                                        ? kube::load_default_config()
                                        : kube::load_kubeconfig(args.kubeconfig);
  op::ManagerOptions options;
  options.watchNamespace = args.watchNamespace;
  options.leaderElect = args.leaderElect;
  options.leaseNamespace = args.leaseNamespace;
  options.leaseName = args.leaseName;
  options.workers = args.workers;
  options.metricsBindAddress = args.metricsBindAddress;
  options.healthProbeBindAddress = args.healthProbeBindAddress;
  options.defaultDriftCheckInterval =
      op::parseDuration(args.driftCheckInterval, "--drift-check-interval");
  options.onLeadershipLost = [] { ::kill(::getpid(), kLeadershipLostSignal); };
  op::Manager manager(config, options);
  manager.start();
  engine::Log::info(
      op::kControllerLogger, "controller started",
      {{"watchNamespace", args.watchNamespace.empty() ? "(all)" : args.watchNamespace},
       {"leaderElect", args.leaderElect ? "true" : "false"},
       {"metrics", args.metricsBindAddress},
       {"healthProbes", args.healthProbeBindAddress}});
  int signal = 0;
  sigwait(&stopSignals, &signal);
  engine::Log::info(op::kControllerLogger, "stopping", {{"signal", std::to_string(signal)}});
  manager.stop();
  if (signal == kLeadershipLostSignal) setExitCode(1);  // restart as a fresh candidate
}

void install(CLI::App& app, GlobalOptions&) {
  auto args = std::make_shared<ControllerOptions>();
  CLI::App* cmd = app.add_subcommand("controller", "Run the SchemaVersion controller.");
  cmd->add_option("--kubeconfig", args->kubeconfig,
                  "kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)");
  cmd->add_option("--namespace,--watch-namespace", args->watchNamespace,
                  "watch one namespace (default: all)");
  cmd->add_flag("--leader-elect", args->leaderElect, "hold a Lease; work only while leading");
  cmd->add_option("--leader-election-namespace,--lease-namespace", args->leaseNamespace,
                  "namespace of the Lease")
      ->capture_default_str();
  cmd->add_option("--leader-election-id", args->leaseName, "name of the Lease")
      ->capture_default_str();
  cmd->add_option("--log-format", args->logFormat, "log line format")
      ->check(CLI::IsMember({"logfmt", "json"}))
      ->capture_default_str();
  cmd->add_option("--metrics-bind-address", args->metricsBindAddress,
                  "where /metrics listens (\":8080\": every interface; \"0\": off)")
      ->check(bindAddress())
      ->capture_default_str();
  cmd->add_option("--health-probe-bind-address", args->healthProbeBindAddress,
                  "where /healthz and /readyz listen")
      ->check(bindAddress())
      ->capture_default_str();
  cmd->add_option("--drift-check-interval", args->driftCheckInterval,
                  "drift check interval for SchemaVersions whose spec sets none")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            try {
              return op::parseDuration(value, "--drift-check-interval").count() >= 10
                         ? std::string()
                         : "--drift-check-interval: must be at least 10s";
            } catch (const std::exception& error) {
              return error.what();
            }
          },
          "DURATION"))
      ->capture_default_str();
  cmd->add_option("--workers", args->workers, "concurrent reconciles")->check(CLI::Range(1, 64));
  cmd->callback([args] { runController(*args); });
}

}  // namespace
RETORT_COMMAND(controller, install);
}  // namespace retort::cli
