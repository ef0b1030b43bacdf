// `retort controller`: runs the SchemaVersion controller (docs/operator.md) until SIGTERM or
// SIGINT. Logs one logfmt line per failed reconcile, with the SchemaVersion's namespace and
// name; the URL of a database never reaches a log line (the controller does not read it yet).
// Not yet here: --metrics-bind-address (/metrics, /healthz, /readyz) and --log-format.
#include <pthread.h>
#include <signal.h>

#include <iostream>

#include "cli/command.hpp"
#include "kube/client_config.hpp"
#include "kube/kubeconfig.hpp"
#include "operator/manager.hpp"

namespace retort::cli {
namespace {

struct ControllerOptions {
  std::string kubeconfig;
  std::string watchNamespace;
  bool leaderElect = false;
  std::string leaseNamespace = "retort-system";
  int workers = 2;
};

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

void logReconcile(const op::ReconcileObservation& observation) {
  if (observation.outcome != op::ReconcileOutcome::Error &&
      observation.outcome != op::ReconcileOutcome::TerminalError)
    return;
  const auto slash = observation.key.find('/');
  std::cerr << "level=error msg=\"reconcile failed\" namespace=" << observation.key.substr(0, slash)
            << " name=" << observation.key.substr(slash + 1)
            << " outcome=" << op::outcomeName(observation.outcome)
            << " error=" << quoted(observation.error) << "\n";
}

void runController(const ControllerOptions& args) {
  // Block the stop signals in every thread the manager starts; this thread waits for them.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  const kube::ClientConfig config = args.kubeconfig.empty()
                                        ? kube::load_default_config()
                                        : kube::load_kubeconfig(args.kubeconfig);
  op::ManagerOptions options;
  options.watchNamespace = args.watchNamespace;
  options.leaderElect = args.leaderElect;
  options.leaseNamespace = args.leaseNamespace;
  options.workers = args.workers;
  options.observer = logReconcile;
  op::Manager manager(config, options);
  manager.start();
  std::cerr << "level=info msg=\"controller started\" namespace="
            << (args.watchNamespace.empty() ? "(all)" : args.watchNamespace) << "\n";
  int signal = 0;
  sigwait(&stopSignals, &signal);
  std::cerr << "level=info msg=\"stopping\" signal=" << signal << "\n";
  manager.stop();
}

void install(CLI::App& app, GlobalOptions&) {
  auto args = std::make_shared<ControllerOptions>();
  CLI::App* cmd = app.add_subcommand("controller", "Run the SchemaVersion controller.");
  cmd->add_option("--kubeconfig", args->kubeconfig,
                  "kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)");
  cmd->add_option("--namespace,--watch-namespace", args->watchNamespace,
                  "watch one namespace (default: all)");
  cmd->add_flag("--leader-elect", args->leaderElect, "hold a Lease; work only while leading");
  cmd->add_option("--lease-namespace", args->leaseNamespace, "namespace of the Lease")
      ->capture_default_str();
  cmd->add_option("--workers", args->workers, "concurrent reconciles")->check(CLI::Range(1, 64));
  cmd->callback([args] { runController(*args); });
}

}  // namespace
RETORT_COMMAND(controller, install);
}  // namespace retort::cli
