#include "operator/schema_version/job_refusal.hpp"

#include <regex>

namespace retort::op {

std::string specFieldOfJobField(const std::string& jobField) {
  // Most specific first; "$1" keeps the rest of the path (a key, an index).
  static const std::vector<std::pair<std::regex, std::string>> kMapping = [] {
    const std::vector<std::pair<const char*, const char*>> rules = {
        {R"(^spec\.template\.spec\.containers\[\d+\]\.env\[\d+\]\.valueFrom\.secretKeyRef\.name)",
         "spec.database.secretRef.name"},
        {R"(^spec\.template\.spec\.containers\[\d+\]\.env\[\d+\]\.valueFrom\.secretKeyRef\.key)",
         "spec.database.secretRef.key"},
        {R"(^spec\.template\.spec\.initContainers\[\d+\]\.image)", "spec.migrations.image"},
        {R"(^spec\.template\.spec\.containers\[\d+\]\.image)", "spec.migrations.image"},
        {R"(^spec\.template\.spec\.containers\[\d+\]\.resources(.*)$)", "spec.job.resources"},
        {R"(^spec\.template\.spec\.volumes\[\d+\]\.persistentVolumeClaim\.claimName)",
         "spec.backup.persistentVolumeClaim.claimName"},
        {R"(^spec\.template\.spec\.volumes\[\d+\]\.projected\.sources(\[\d+\])\.configMap\.name)",
         "spec.migrations.configMaps"},
        {R"(^spec\.template\.spec\.serviceAccountName)", "spec.job.serviceAccountName"},
        {R"(^spec\.template\.spec\.imagePullSecrets(.*)$)", "spec.job.imagePullSecrets"},
        {R"(^spec\.template\.spec\.nodeSelector(.*)$)", "spec.job.nodeSelector"},
        {R"(^spec\.template\.spec\.tolerations(.*)$)", "spec.job.tolerations"},
        {R"(^spec\.(activeDeadlineSeconds|backoffLimit|ttlSecondsAfterFinished)$)", "spec.job."},
    };
    std::vector<std::pair<std::regex, std::string>> compiled;
    for (const auto& [pattern, field] : rules) compiled.emplace_back(std::regex(pattern), field);
    return compiled;
  }();
  for (const auto& [pattern, field] : kMapping) {
    std::smatch match;
    if (!std::regex_search(jobField, match, pattern)) continue;
    // Kubernetes writes map keys as [key]; the SchemaVersion's paths use .key for them.
    std::string rest = match.size() > 1 ? match[1].str() : "";
    const std::regex mapKey(R"(\[([A-Za-z][^\]]*)\])");
    rest = std::regex_replace(rest, mapKey, ".$1");
    return field + rest;
  }
  return "";
}

bool isJobRefusal(int httpCode) {
  return httpCode == 400 || httpCode == 422;
}

std::string jobRefusalMessage(int httpCode, const std::string& reason, const std::string& message,
                              const std::vector<kube::StatusCause>& causes) {
  std::string out = "the API server refused the Job (" + std::to_string(httpCode) +
                    (reason.empty() ? "" : " " + reason) + ")";
  if (causes.empty()) return out + ": " + message;
  for (std::size_t i = 0; i < causes.size(); ++i) {
    const kube::StatusCause& cause = causes[i];
    const std::string field = specFieldOfJobField(cause.field);
    out += i == 0 ? ": " : "; ";
    if (!field.empty())
      out += field + " (Job field " + cause.field + "): ";
    else if (!cause.field.empty())
      out += "Job field " + cause.field + ": ";
    out += cause.message;
  }
  return out;
}

}  // namespace retort::op
