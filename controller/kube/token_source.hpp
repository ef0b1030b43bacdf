// Where a bearer token comes from: a fixed string (kubeconfig `token`) or a file
// (kubeconfig `tokenFile`, the in-cluster service-account token). A file is re-read whenever its
// modification time or size changes, because kubelet rotates projected service-account tokens
// in place (about hourly) and a long-running controller must pick up the new one. The token is
// a credential: nothing here logs it, and errors name only the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace retort::kube {

class TokenSource {
 public:
  static std::shared_ptr<TokenSource> fixed(std::string token);
  static std::shared_ptr<TokenSource> from_file(std::filesystem::path path);

  // The current token; re-reads the file if it changed. Throws ConfigError if a file source
  // has never been readable.
  std::string token() const;

 private:
  TokenSource() = default;

  std::filesystem::path path_;  // empty for a fixed token
  mutable std::mutex mutex_;
  mutable std::string token_;
  mutable std::filesystem::file_time_type mtime_{};
  mutable std::uintmax_t size_ = 0;
  mutable bool loaded_ = false;
};

}  // namespace retort::kube
