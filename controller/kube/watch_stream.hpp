// One open watch: newline-delimited JSON events read from a chunked HTTP response as they
// arrive. next() blocks until an event, the server's normal end of the stream (timeoutSeconds
// elapsed), cancellation, or an idle timeout. An in-stream ERROR event (typically 410 Expired,
// "too old resource version") is thrown as ApiError so the caller relists.
#pragma once

#include <cpprest/http_msg.h>
#include <pplx/pplxtasks.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace retort::kube {

struct WatchOptions {
  std::string resource_version;  // start after this version; empty = "most recent" + ADDEDs
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  int timeout_seconds = 300;              // the server ends the watch after this
  std::chrono::seconds idle_timeout{90};  // above the ~60 s bookmark interval
};

struct WatchEvent {
  enum class Type { Added, Modified, Deleted, Bookmark };
  Type type;
  nlohmann::json object;
};

class WatchStream {
 public:
  WatchStream(web::http::http_response response, pplx::cancellation_token cancel,
              std::string description);

  // The next event, or nullopt when the server closed the stream normally. Throws ApiError
  // for an ERROR event, TransportError when the connection failed, Cancelled on cancellation.
  std::optional<WatchEvent> next();

 private:
  web::http::http_response response_;
  concurrency::streams::istream body_;
  pplx::cancellation_token cancel_;
  std::string description_;
};

}  // namespace retort::kube
