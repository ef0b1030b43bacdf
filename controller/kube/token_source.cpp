#include "kube/token_source.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "kube/client_config.hpp"

namespace retort::kube {
namespace {

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::shared_ptr<TokenSource> TokenSource::fixed(std::string token) {
  std::shared_ptr<TokenSource> source(new TokenSource());
  source->token_ = trim(std::move(token));
  source->loaded_ = true;
  return source;
}

std::shared_ptr<TokenSource> TokenSource::from_file(std::filesystem::path path) {
  std::shared_ptr<TokenSource> source(new TokenSource());
  source->path_ = std::move(path);
  return source;
}

std::string TokenSource::token() const {
  std::lock_guard lock(mutex_);
  if (path_.empty()) return token_;
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(path_, ec);
  const auto size = ec ? 0 : std::filesystem::file_size(path_, ec);
  if (ec) {
    // Keep serving the last good token while a rotation swaps the file.
    if (loaded_) return token_;
    throw ConfigError("cannot read token file " + path_.string() + ": " + ec.message());
  }
  if (!loaded_ || mtime != mtime_ || size != size_) {
    std::ifstream in(path_);
    if (!in) {
      if (loaded_) return token_;
      throw ConfigError("cannot open token file " + path_.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    token_ = trim(text.str());
    mtime_ = mtime;
    size_ = size;
    loaded_ = true;
  }
  return token_;
}

}  // namespace retort::kube
