// Issue 12 part 6: `helm install` of helm/retort on the one-node cluster runs the operator as a
// pod from the Retort image; the pod becomes Ready through its readiness probe (/readyz), and
// the operator migrates the SweetShop through a SchemaVersion (Ready=True, the database at
// head, a backup on the volume recorded in the status).
#include <gtest/gtest.h>

#include "e2e_environment.hpp"
#include "engine/runtime/connection.hpp"
#include "helm_operator.hpp"

namespace retort::e2e {
namespace {

TEST(HelmInstall, OperatorRunsAsAPodFromTheRetortImageAndBecomesReady) {
  auto& e2e = E2e::get();
  auto& op = HelmOperator::get();
  const auto pod = op.podName();
  ASSERT_FALSE(pod.empty()) << "no pod labelled app.kubernetes.io/name=retort in "
                            << op.releaseNamespace;
  EXPECT_EQ(jsonpath(op.releaseNamespace, "pod", pod, "{.spec.containers[0].image}"),
            e2e.retortImage);
  // Ready comes from the readiness probe on /readyz (the operator's caches synced).
  EXPECT_EQ(jsonpath(op.releaseNamespace, "pod", pod,
                     "{.spec.containers[0].readinessProbe.httpGet.path}"),
            "/readyz");
  EXPECT_EQ(
      jsonpath(op.releaseNamespace, "pod", pod, "{.spec.containers[0].livenessProbe.httpGet.path}"),
      "/healthz");
  EXPECT_EQ(jsonpath(op.releaseNamespace, "pod", pod,
                     "{.status.conditions[?(@.type==\"Ready\")].status}"),
            "True");
  EXPECT_EQ(jsonpath(op.releaseNamespace, "pod", pod, "{.status.containerStatuses[0].ready}"),
            "true");
  // The restricted Pod Security profile admitted it (the cluster enforces it everywhere).
  EXPECT_EQ(jsonpath(op.releaseNamespace, "pod", pod, "{.spec.securityContext.runAsNonRoot}"),
            "true");
  std::string output;
  ASSERT_EQ(runHelm("status " + op.release + " --namespace " + op.releaseNamespace, &output), 0)
      << output;
  EXPECT_NE(output.find("STATUS: deployed"), std::string::npos) << output;
}

TEST(HelmInstall, OperatorMigratesTheSweetShopThroughASchemaVersion) {
  const auto& shop = HelmOperator::get().sweetshop();
  ASSERT_TRUE(shop.readyError.empty()) << shop.readyError;

  const auto head = sweetshopHead();
  EXPECT_EQ(jsonpath(shop.ns, "sv", shop.name, "{.status.currentRevisions[0]}"), head);
  EXPECT_EQ(jsonpath(shop.ns, "sv", shop.name, "{.status.lastRun.outcome}"), "Succeeded");
  EXPECT_FALSE(jsonpath(shop.ns, "sv", shop.name, "{.status.lastBackup.file}").empty());

  engine::Connection conn(shop.databaseLocal);
  auto version = conn.exec("SELECT version_num FROM alembic_version");
  ASSERT_EQ(version.rows(), 1);
  EXPECT_EQ(version.value(0, 0), head);
  auto tables = conn.exec(
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND "
      "table_name IN ('users', 'sweets', 'purchases', 'reviews', 'audit_log')");
  EXPECT_EQ(tables.value(0, 0), "5");
}

}  // namespace
}  // namespace retort::e2e
