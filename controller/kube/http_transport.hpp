// The HTTPS leg of the client: one pooled cpprestsdk connection per transport for ordinary
// requests, plus a fresh connection per stream (a watch) so that cancelling or timing out one
// stream never disturbs other requests. TLS trust, client certificates and the bearer token
// come from ClientConfig; the token is re-read per request so rotation just works. Transport
// failures become TransportError, cancellation becomes Cancelled; HTTP error codes are returned
// to the caller as they are.
#pragma once

#include <cpprest/http_client.h>
#include <pplx/pplxtasks.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "kube/client_config.hpp"

namespace retort::kube {

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpTransport {
 public:
  explicit HttpTransport(ClientConfig config);

  // Sends one request and reads the whole body. path_and_query starts with '/'.
  HttpResponse send(
      const web::http::method& method, const std::string& path_and_query,
      const std::string& body = {}, const std::string& content_type = {},
      const pplx::cancellation_token& cancel = pplx::cancellation_token::none()) const;

  // Starts a long-lived GET and returns as soon as the headers arrived; the body is read
  // incrementally by the caller. idle_timeout fails the stream when nothing arrives that long.
  web::http::http_response open_stream(const std::string& path_and_query,
                                       std::chrono::seconds idle_timeout,
                                       const pplx::cancellation_token& cancel) const;

  const ClientConfig& config() const noexcept { return config_; }

 private:
  web::http::client::http_client_config http_config(std::chrono::seconds timeout) const;
  web::http::http_request make_request(const web::http::method& method,
                                       const std::string& path_and_query) const;

  ClientConfig config_;
  std::unique_ptr<web::http::client::http_client> client_;
};

}  // namespace retort::kube
