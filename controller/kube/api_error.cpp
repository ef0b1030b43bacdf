#include "kube/api_error.hpp"

#include <utility>

namespace retort::kube {
namespace {

// The reason the server would have used, for bodies that are not a Status.
std::string reason_for_code(int code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Expired";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "Unknown";
  }
}

std::string describe(int code, const std::string& reason, const std::string& message,
                     std::string_view request) {
  std::string text = std::string(request) + ": " + std::to_string(code) + " " + reason;
  if (!message.empty()) text += ": " + message;
  return text;
}

std::string string_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

ApiError::ApiError(int code, std::string reason, std::string message,
                   std::vector<StatusCause> causes, std::string_view request)
    : std::runtime_error(describe(code, reason, message, request)),
      code_(code),
      reason_(std::move(reason)),
      message_(std::move(message)),
      causes_(std::move(causes)) {}

ApiError ApiError::from_status(const nlohmann::json& status, std::string_view request) {
  int code = 500;
  if (auto it = status.find("code"); it != status.end() && it->is_number_integer()) {
    code = it->get<int>();
  }
  std::string reason = string_field(status, "reason");
  if (reason.empty()) reason = reason_for_code(code);
  std::vector<StatusCause> causes;
  if (auto details = status.find("details"); details != status.end() && details->is_object()) {
    if (auto list = details->find("causes"); list != details->end() && list->is_array()) {
      for (const auto& cause : *list) {
        if (!cause.is_object()) continue;
        causes.push_back({string_field(cause, "reason"), string_field(cause, "message"),
                          string_field(cause, "field")});
      }
    }
  }
  return ApiError(code, std::move(reason), string_field(status, "message"), std::move(causes),
                  request);
}

ApiError ApiError::from_response(int http_code, std::string_view body, std::string_view request) {
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.value("kind", "") == "Status") {
    parsed["code"] = http_code;  // the HTTP code is authoritative
    return from_status(parsed, request);
  }
  // Not a Status: keep a short excerpt of the body; it is server output, never our headers.
  std::string excerpt(body.substr(0, 200));
  return ApiError(http_code, reason_for_code(http_code), excerpt, {}, request);
}

}  // namespace retort::kube
