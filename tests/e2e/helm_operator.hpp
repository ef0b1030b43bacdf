// The operator as a user installs it, for the delivery e2e tests: `helm install` of the chart
// (helm/retort, or $RETORT_E2E_CHART) on the node cluster of E2e::get(), into its own
// namespace, with the chart's default values (image localhost/retort:<version>, never pulled).
// HelmOperator::get() installs it once per test binary and returns after `helm install --wait`
// (the Deployment's pod passed its readiness probe); it throws with helm's output otherwise.
// It also gives the SweetShop a SchemaVersion of its own (sweetshop()), once, and waits for it
// to be Ready: the tests of the install and of the scraped metrics share that migration.
#pragma once

#include <string>

namespace retort::e2e {

struct HelmOperator {
  std::string releaseNamespace;  // where the chart installed the operator
  std::string release;           // the Helm release name
  std::string chart;             // the chart directory installed

  static HelmOperator& get();

  // The operator's pod (the chart's pod labelled app.kubernetes.io/name=retort), "" if none.
  std::string podName() const;
  // http://<ClusterIP>:<port> of the chart's metrics Service, reachable from the host.
  std::string metricsBaseUrl() const;

  // A SchemaVersion moving a fresh SweetShop database to head, with backups to a volume.
  struct SweetShop {
    std::string ns;
    std::string name = "sweetshop";
    std::string databaseLocal;  // URI from the host
    std::string readyError;     // empty once it was Ready; else what `kubectl wait` said
  };
  // Created and waited for (bounded) on the first call; later calls return the same one.
  const SweetShop& sweetshop();

 private:
  bool sweetshopCreated_ = false;
  SweetShop sweetshop_;
};

// Runs helm with the node cluster's kubeconfig; returns its exit code, output in *output.
int runHelm(const std::string& args, std::string* output);

}  // namespace retort::e2e
