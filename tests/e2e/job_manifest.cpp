#include "job_manifest.hpp"

#include <sstream>

#include "e2e_environment.hpp"

namespace retort::e2e {

std::string indented(const std::string& text, int spaces) {
  std::istringstream lines(text);
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    out += std::string(static_cast<std::size_t>(spaces), ' ') + line + "\n";
  }
  return out;
}

std::string jobManifest(const JobSpec& spec) {
  std::string args;
  for (const auto& arg : spec.args)
    args += (args.empty() ? "" : ", ") + std::string("\"") + arg + "\"";
  std::string yaml = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + spec.name +
                     "\n  namespace: " + spec.ns +
                     "\nspec:\n  backoffLimit: " + std::to_string(spec.backoffLimit) + "\n";
  if (!spec.podFailurePolicy.empty()) {
    yaml += "  podFailurePolicy:\n    rules:\n" + indented(spec.podFailurePolicy, 4);
  }
  yaml += "  template:\n    spec:\n      restartPolicy: Never\n";
  yaml += std::string("      automountServiceAccountToken: ") +
          (spec.automountToken ? "true" : "false") + "\n";
  if (!spec.serviceAccount.empty())
    yaml += "      serviceAccountName: " + spec.serviceAccount + "\n";
  yaml += restrictedPodSecurityContext();
  yaml += "      containers:\n      - name: main\n        image: " + spec.image +
          "\n        imagePullPolicy: Never\n        args: [" + args +
          "]\n        terminationMessagePolicy: FallbackToLogsOnError\n";
  if (!spec.envYaml.empty()) yaml += "        env:\n" + indented(spec.envYaml, 8);
  yaml += restrictedContainerSecurityContext();
  return yaml;
}

}  // namespace retort::e2e
