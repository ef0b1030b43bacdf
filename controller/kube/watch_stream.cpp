#include "kube/watch_stream.hpp"

#include <cpprest/containerstream.h>

#include "kube/api_error.hpp"

namespace retort::kube {

WatchStream::WatchStream(web::http::http_response response, pplx::cancellation_token cancel,
                         std::string description)
    : response_(std::move(response)),
      body_(response_.body()),
      cancel_(std::move(cancel)),
      description_(std::move(description)) {}

std::optional<WatchEvent> WatchStream::next() {
  for (;;) {
    if (cancel_.is_canceled()) throw Cancelled(description_ + ": cancelled");
    concurrency::streams::container_buffer<std::string> line;
    std::size_t length = 0;
    try {
      length = body_.read_line(line).get();
    } catch (const pplx::task_canceled&) {
      throw Cancelled(description_ + ": cancelled");
    } catch (const std::exception& e) {
      if (cancel_.is_canceled()) throw Cancelled(description_ + ": cancelled");
      throw TransportError(description_ + ": " + e.what());
    }
    if (length == 0 && line.collection().empty()) {
      if (body_.is_eof()) return std::nullopt;
      continue;
    }
    const std::string& text = line.collection();
    auto event = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || !event.contains("type") || !event["type"].is_string()) {
      throw TransportError(description_ + ": malformed watch event");
    }
    const std::string type = event["type"].get<std::string>();
    nlohmann::json object = event.value("object", nlohmann::json::object());
    if (type == "ADDED") return WatchEvent{WatchEvent::Type::Added, std::move(object)};
    if (type == "MODIFIED") return WatchEvent{WatchEvent::Type::Modified, std::move(object)};
    if (type == "DELETED") return WatchEvent{WatchEvent::Type::Deleted, std::move(object)};
    if (type == "BOOKMARK") return WatchEvent{WatchEvent::Type::Bookmark, std::move(object)};
    if (type == "ERROR") throw ApiError::from_status(object, description_);
    throw TransportError(description_ + ": unknown watch event type " + type);
  }
}

}  // namespace retort::kube
