// Errors raised by the Kubernetes client. ApiError carries the server's Status object (HTTP
// code, machine-readable reason, message and per-field causes) so callers can branch on
// is_conflict(), is_not_found() and friends exactly as client-go's apierrors helpers do.
// TransportError covers everything that never produced an HTTP response (refused connection,
// TLS failure, idle timeout); Cancelled is thrown when a caller's cancellation token fired.
// Messages never contain credentials: only the method, the path and what the server said.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace retort::kube {

// One entry of Status.details.causes: which field was wrong and why.
struct StatusCause {
  std::string reason;
  std::string message;
  std::string field;
};

class ApiError : public std::runtime_error {
 public:
  ApiError(int code, std::string reason, std::string message, std::vector<StatusCause> causes,
           std::string_view request);

  // Builds the error from an HTTP status code and response body. The body is parsed as a
  // Status when it is one; anything else (an HTML proxy page, an empty body) still yields an
  // error with the HTTP code and a reason derived from it.
  static ApiError from_response(int http_code, std::string_view body, std::string_view request);
  // Builds the error from a Status object received inside a watch stream (type ERROR).
  static ApiError from_status(const nlohmann::json& status, std::string_view request);

  int code() const noexcept { return code_; }
  const std::string& reason() const noexcept { return reason_; }
  const std::string& message() const noexcept { return message_; }
  const std::vector<StatusCause>& causes() const noexcept { return causes_; }

  // 409 with reason Conflict: the resourceVersion was stale. Re-read and retry.
  bool is_conflict() const noexcept { return code_ == 409 && reason_ == "Conflict"; }
  // 409 with reason AlreadyExists: a create hit an existing name.
  bool is_already_exists() const noexcept { return reason_ == "AlreadyExists"; }
  bool is_not_found() const noexcept { return code_ == 404; }
  // 410, or reason Expired/Gone: a resourceVersion or continue token is too old; relist.
  bool is_expired() const noexcept {
    return code_ == 410 || reason_ == "Expired" || reason_ == "Gone";
  }
  bool is_invalid() const noexcept { return code_ == 422; }
  // Server-side trouble that may pass: throttling, internal errors, unavailability, timeouts.
  bool is_retryable() const noexcept {
    return code_ == 429 || code_ == 500 || code_ == 503 || code_ == 504;
  }

 private:
  int code_;
  std::string reason_;
  std::string message_;
  std::vector<StatusCause> causes_;
};

// The request never got an HTTP response (connection, TLS, timeout).
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The caller cancelled the request (shutdown, leadership lost).
class Cancelled : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace retort::kube
