// Issue 12 part 4, end to end: a real Prometheus (Debian's package) on the host scrapes the
// operator that `helm install` runs on the node cluster (through its metrics Service), with
// the project's alerting rules (deploy/monitoring/retort-alerts.yaml). After the SweetShop
// migrated, every query of every panel of the Grafana dashboards (dashboards/*.json) returns
// data (the queries as tests/delivery/panel_queries.py lists them, Grafana's variables
// replaced); after a SchemaVersion whose script fails, the failed-migration alert fires.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "e2e_environment.hpp"
#include "helm_operator.hpp"
#include "prometheus_server.hpp"

namespace retort::e2e {
namespace {

const std::filesystem::path kRulesFile =
    std::filesystem::path(RETORT_SOURCE_DIR) / "deploy/monitoring/retort-alerts.yaml";
const std::filesystem::path kDashboard =
    std::filesystem::path(RETORT_SOURCE_DIR) / "dashboards/retort.json";
constexpr const char* kFailedMigrationAlert = "RetortMigrationFailed";

// A SchemaVersion whose only script fails at its second statement (a table that does not
// exist), from a ConfigMap: the run fails with StepFailed and the database stays at base.
struct FailingShop {
  std::string ns;
  std::string stalledError;  // empty once Stalled=True; else what `kubectl wait` said
};

const FailingShop& failingShop() {
  static FailingShop* shop = [] {
    auto* created = new FailingShop();
    auto& e2e = E2e::get();
    const auto db = e2e.createDatabase("helm_failing");
    created->ns = e2e.createNamespace("helm-failing");
    const std::string manifest = R"(apiVersion: v1
kind: Secret
metadata: {name: failing-db, namespace: )" +
                                 created->ns +
                                 R"(}
stringData:
  uri: ")" + db.forPods + R"("
---
apiVersion: v1
kind: Secret
metadata: {name: scratch-db, namespace: )" +
                                 created->ns +
                                 R"(}
stringData:
  uri: ")" + db.serverForPods + R"("
---
apiVersion: v1
kind: ConfigMap
metadata: {name: failing-scripts, namespace: )" +
                                 created->ns +
                                 R"(}
data:
  2026_11_30_1000-0badc0ffee01_broken.sql: |
    -- revision: 0badc0ffee01
    -- down_revision:
    -- branch_labels:
    -- depends_on:
    -- create_date: 2026-11-30 10:00:00
    -- message: a step that fails
    -- transactional: true

    -- migrate:upgrade
    CREATE TABLE gift_wrap (id BIGINT PRIMARY KEY);
    INSERT INTO no_such_table VALUES (1);

    -- migrate:downgrade
    DROP TABLE gift_wrap;
---
apiVersion: retort.dev/v1alpha1
kind: SchemaVersion
metadata: {name: failing, namespace: )" +
                                 created->ns +
                                 R"(}
spec:
  targetRevision: head
  database: {secretRef: {name: failing-db, key: uri}}
  migrations: {image: )" + e2e.retortImage +
                                 R"(, path: /scripts, configMaps: [failing-scripts]}
  backup: {mode: Disabled}
---
# A preview of the same move (plan mode): it waits on the Mode gate, for the gate panel.
apiVersion: retort.dev/v1alpha1
kind: SchemaVersion
metadata: {name: preview, namespace: )" +
                                 created->ns +
                                 R"(}
spec:
  targetRevision: head
  mode: Plan
  database: {secretRef: {name: failing-db, key: uri}}
  migrations: {image: )" + e2e.retortImage +
                                 R"(, path: /scripts, configMaps: [failing-scripts]}
  backup: {mode: Disabled}
---
# The same move rehearsed first (spec.rehearsal): the rehearsal fails, for the rehearsal panel.
apiVersion: retort.dev/v1alpha1
kind: SchemaVersion
metadata: {name: rehearsed, namespace: )" +
                                 created->ns +
                                 R"(}
spec:
  targetRevision: head
  rehearsal: {required: true, scratchDatabase: {secretRef: {name: scratch-db}}}
  database: {secretRef: {name: failing-db, key: uri}}
  migrations: {image: )" + e2e.retortImage +
                                 R"(, path: /scripts, configMaps: [failing-scripts]}
  backup: {mode: Disabled}
)";
    std::string output;
    if (e2e.cluster->apply(manifest, &output) != 0) {
      created->stalledError = "kubectl apply failed: " + output;
    } else if (e2e.cluster->run_kubectl({"-n", created->ns, "wait", "--for=condition=Stalled",
                                         "sv/failing", "sv/rehearsed", "--timeout=180s"},
                                        &output) != 0) {
      std::string status;
      e2e.cluster->run_kubectl({"-n", created->ns, "get", "sv", "failing", "-o", "yaml"}, &status);
      created->stalledError = output + "\n" + status;
    }
    return created;
  }();
  return *shop;
}

struct PanelQuery {
  std::string panel;
  std::string query;  // Grafana's variables already replaced
};

// Every panel's query, from the delivery tests' extractor (one source of that logic).
std::vector<PanelQuery> dashboardPanelQueries() {
  std::string output;
  const std::string command = "python3 " + std::string(RETORT_SOURCE_DIR) +
                              "/tests/delivery/panel_queries.py " + kDashboard.string() +
                              " --list 2>&1";
  if (testing::run_shell(command, output) != 0) {
    throw std::runtime_error("panel_queries.py failed: " + output);
  }
  std::vector<PanelQuery> queries;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto entry = nlohmann::json::parse(line);
    queries.push_back({entry.value("panel", ""), entry.value("query", "")});
  }
  return queries;
}

// One Prometheus for the test binary, scraping the operator's metrics Service.
PrometheusServer& prometheus() {
  auto& server = PrometheusEnvironment::server();
  if (!server) {
    const auto& op = HelmOperator::get();
    std::string target = op.metricsBaseUrl();
    target = target.substr(target.find("://") + 3);
    server = std::make_unique<PrometheusServer>(std::vector<std::string>{target},
                                                std::vector<std::filesystem::path>{kRulesFile});
  }
  return *server;
}

TEST(PrometheusScrape, ScrapesTheOperatorThroughItsMetricsService) {
  auto& server = prometheus();
  const bool up = testing::wait_until(
      [&] {
        const auto result = server.instantQuery("up{job=\"retort\"} == 1");
        return !result.empty();
      },
      std::chrono::seconds(60), std::chrono::milliseconds(500));
  ASSERT_TRUE(up) << server.targetsSummary() << server.logTail();
  // The rules file loaded (a broken or missing file would leave no group).
  const auto rules = server.get("/api/v1/rules");
  ASSERT_TRUE(rules.contains("data")) << rules.dump();
  EXPECT_FALSE(rules["data"]["groups"].empty()) << rules.dump();
}

TEST(PrometheusScrape, FailedMigrationAlertFiresAfterAFailingScript) {
  const auto& shop = failingShop();
  ASSERT_TRUE(shop.stalledError.empty()) << shop.stalledError;
  EXPECT_EQ(
      jsonpath(shop.ns, "sv", "failing", "{.status.conditions[?(@.type==\"Stalled\")].reason}"),
      "StepFailed");
  // Line 11 of the script: the INSERT into the table that does not exist.
  const auto message =
      jsonpath(shop.ns, "sv", "failing", "{.status.conditions[?(@.type==\"Stalled\")].message}");
  EXPECT_NE(message.find("2026_11_30_1000-0badc0ffee01_broken.sql:11"), std::string::npos)
      << message;
  auto& server = prometheus();
  std::vector<std::string> firing;
  const bool fired = testing::wait_until(
      [&] {
        firing = server.alerts("firing");
        return std::find(firing.begin(), firing.end(), kFailedMigrationAlert) != firing.end();
      },
      std::chrono::seconds(90), std::chrono::milliseconds(500));
  std::string seen;
  for (const auto& name : firing) seen += name + " ";
  ASSERT_TRUE(fired) << kFailedMigrationAlert << " not firing; firing: " << seen << "\n"
                     << server.get("/api/v1/query", "retort_migrations_total").dump() << "\n"
                     << server.targetsSummary();
  // The alert names the object and the reason.
  const auto alerts = server.get("/api/v1/alerts");
  bool labelled = false;
  for (const auto& alert : alerts["data"]["alerts"]) {
    const auto& labels = alert["labels"];
    if (labels.value("alertname", "") == kFailedMigrationAlert &&
        labels.value("namespace", "") == shop.ns && labels.value("name", "") == "failing" &&
        labels.value("reason", "") == "StepFailed") {
      labelled = true;
    }
  }
  EXPECT_TRUE(labelled) << alerts.dump();
}

TEST(PrometheusScrape, EveryDashboardPanelQueryReturnsData) {
  const auto& shop = HelmOperator::get().sweetshop();
  ASSERT_TRUE(shop.readyError.empty()) << shop.readyError;
  // A failed run too, so the outcome panels have both results.
  ASSERT_TRUE(failingShop().stalledError.empty()) << failingShop().stalledError;

  const auto panels = dashboardPanelQueries();
  ASSERT_FALSE(panels.empty()) << "no panel queries in " << kDashboard;
  auto& server = prometheus();

  // Every query at once, until all have data or the bound passes: counters need a scrape or
  // two after the runs, rate() two samples.
  std::map<std::string, std::string> missing;  // "panel": query -> last reply
  const bool allHaveData = testing::wait_until(
      [&] {
        missing.clear();
        for (const auto& panel : panels) {
          const std::string key = "\"" + panel.panel + "\": " + panel.query;
          try {
            const auto result = server.instantQuery(panel.query);
            if (result.empty()) missing[key] = "[]";
          } catch (const std::exception& e) {
            missing[key] = e.what();
          }
        }
        return missing.empty();
      },
      std::chrono::seconds(90), std::chrono::milliseconds(1000));
  std::string report;
  for (const auto& [key, reply] : missing) report += key + " -> " + reply + "\n";
  EXPECT_TRUE(allHaveData) << missing.size() << " of " << panels.size()
                           << " panel queries returned no data:\n"
                           << report;
  EXPECT_GE(panels.size(), 10u) << "the dashboard should cover the metrics of DESIGN.md section 8";
}

}  // namespace
}  // namespace retort::e2e
