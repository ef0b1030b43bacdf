// When the API server refuses a migration Job (400 BadRequest, 422 Invalid), no retry can make
// it accept the same Job: the SchemaVersion ends Stalled, reason InvalidJobSpec, with a message
// that names the SchemaVersion's own field (spec.job.resources.limits.cpu, not the Job's
// spec.template.spec.containers[0].resources.limits[cpu]) so the user knows what to edit. Pure.
#pragma once

#include <string>
#include <vector>

#include "kube/api_error.hpp"

namespace retort::op {

// The SchemaVersion field a field of the built Job comes from (job_builder.cpp's layout), or ""
// when the Job field is none the user sets.
std::string specFieldOfJobField(const std::string& jobField);

// True for the refusals that a retry cannot heal.
bool isJobRefusal(int httpCode);

// "the API server refused the Job (422 Invalid): spec.database.secretRef.name (Job field
// spec.template...): a lowercase RFC 1123 subdomain must ...".
std::string jobRefusalMessage(int httpCode, const std::string& reason, const std::string& message,
                              const std::vector<kube::StatusCause>& causes);

}  // namespace retort::op
