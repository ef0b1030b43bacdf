#include "kube/http_transport.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl.hpp>

#include "kube/api_error.hpp"

namespace retort::kube {
namespace {

// Describes a request for error messages: method and path only, never headers or body.
std::string describe(const web::http::method& method, const std::string& path_and_query) {
  return method + " " + path_and_query.substr(0, path_and_query.find('?'));
}

}  // namespace

HttpTransport::HttpTransport(ClientConfig config) : config_(std::move(config)) {
  if (config_.server.empty()) throw ConfigError("client configuration has no server");
  client_ = std::make_unique<web::http::client::http_client>(config_.server,
                                                             http_config(config_.request_timeout));
}

web::http::client::http_client_config HttpTransport::http_config(
    std::chrono::seconds timeout) const {
  web::http::client::http_client_config http;
  http.set_timeout(timeout);
  http.set_validate_certificates(!config_.insecure_skip_verify);
  // Copies, so the callback does not depend on this object's lifetime.
  http.set_ssl_context_callback([ca = config_.ca_pem, cert = config_.client_cert_pem,
                                 key = config_.client_key_pem](boost::asio::ssl::context& ctx) {
    if (!ca.empty()) {
      // cpprestsdk loads the system's whole CA bundle into every connection's context (about
      // 600 KB of heap each, one context per watch); with the cluster's own CA given, that
      // bundle is not trusted anyway, so an empty store replaces it (freeing the old one).
      SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
      ctx.add_certificate_authority(boost::asio::buffer(ca.data(), ca.size()));
    }
    if (!cert.empty()) {
      ctx.use_certificate_chain(boost::asio::buffer(cert.data(), cert.size()));
      ctx.use_private_key(boost::asio::buffer(key.data(), key.size()),
                          boost::asio::ssl::context::pem);
    }
  });
  return http;
}

web::http::http_request HttpTransport::make_request(const web::http::method& method,
                                                    const std::string& path_and_query) const {
  web::http::http_request request(method);
  request.set_request_uri(web::uri(path_and_query));
  request.headers().add("Accept", "application/json");
  request.headers().add("User-Agent", "retort-kube/0.1");
  if (config_.token) {
    if (std::string token = config_.token->token(); !token.empty()) {
      request.headers().add("Authorization", "Bearer " + token);
    }
  }
  return request;
}

HttpResponse HttpTransport::send(const web::http::method& method, const std::string& path_and_query,
                                 const std::string& body, const std::string& content_type,
                                 const pplx::cancellation_token& cancel) const {
  web::http::http_request request = make_request(method, path_and_query);
  if (!content_type.empty()) request.set_body(body, content_type);
  try {
    web::http::http_response response = client_->request(request, cancel).get();
    HttpResponse result;
    result.status = response.status_code();
    result.body = response.extract_utf8string(/*ignore_content_type=*/true).get();
    return result;
  } catch (const pplx::task_canceled&) {
    throw Cancelled(describe(method, path_and_query) + ": cancelled");
  } catch (const web::http::http_exception& e) {
    if (cancel.is_canceled()) throw Cancelled(describe(method, path_and_query) + ": cancelled");
    throw TransportError(describe(method, path_and_query) + ": " + e.what());
  } catch (const std::system_error& e) {
    throw TransportError(describe(method, path_and_query) + ": " + e.what());
  }
}

web::http::http_response HttpTransport::open_stream(const std::string& path_and_query,
                                                    std::chrono::seconds idle_timeout,
                                                    const pplx::cancellation_token& cancel) const {
  web::http::client::http_client stream_client(config_.server, http_config(idle_timeout));
  web::http::http_request request = make_request(web::http::methods::GET, path_and_query);
  try {
    // The response keeps the connection alive; the client object may go away.
    return stream_client.request(request, cancel).get();
  } catch (const pplx::task_canceled&) {
    throw Cancelled(describe(web::http::methods::GET, path_and_query) + ": cancelled");
  } catch (const web::http::http_exception& e) {
    if (cancel.is_canceled()) {
      throw Cancelled(describe(web::http::methods::GET, path_and_query) + ": cancelled");
    }
    throw TransportError(describe(web::http::methods::GET, path_and_query) + ": " + e.what());
  }
}

}  // namespace retort::kube
