// Issue 9 (d) and 3: Pod Security `restricted` is enforced in `default` and in every namespace
// the tests create (the PodSecurity admission defaults of the node cluster), not only labelled.
#include <gtest/gtest.h>

#include "e2e_environment.hpp"

namespace retort::e2e {
namespace {

std::string podAsRoot(const std::string& ns) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: as-root\n  namespace: " + ns +
         "\nspec:\n  containers:\n  - name: main\n    image: " + E2e::get().retortImage +
         "\n    imagePullPolicy: Never\n    args: [\"--version\"]\n    securityContext:\n"
         "      runAsUser: 0\n      privileged: true\n";
}

TEST(PodSecurity, RestrictedViolationIsRejectedInDefault) {
  std::string output;
  EXPECT_NE(E2e::get().cluster->apply(podAsRoot("default"), &output), 0);
  EXPECT_NE(output.find("violates PodSecurity \"restricted:latest\""), std::string::npos) << output;
  EXPECT_NE(output.find("privileged"), std::string::npos) << output;
}

TEST(PodSecurity, RestrictedViolationIsRejectedInANewNamespace) {
  auto& e2e = E2e::get();
  const auto ns = e2e.createNamespace("psa");
  std::string output;
  EXPECT_NE(e2e.cluster->apply(podAsRoot(ns), &output), 0);
  EXPECT_NE(output.find("violates PodSecurity \"restricted:latest\""), std::string::npos) << output;
  EXPECT_NE(e2e.cluster->run_kubectl({"-n", ns, "get", "pod", "as-root"}, &output), 0)
      << "the pod was created: " << output;
}

}  // namespace
}  // namespace retort::e2e
