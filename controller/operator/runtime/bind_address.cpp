#include "operator/runtime/bind_address.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace retort::op {

std::optional<std::string> civetwebPorts(const std::string& bindAddress) {
  if (bindAddress == "0") return std::nullopt;
  const auto colon = bindAddress.rfind(':');
  const std::string port = colon == std::string::npos ? "" : bindAddress.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      std::stoi(port) > 65535)
    throw std::invalid_argument("bind address \"" + bindAddress +
                                "\": expected host:port, :port or 0");
  const std::string host = bindAddress.substr(0, colon);
  if (host.empty() || host == "0.0.0.0") return port;  // every IPv4 interface
  return host + ":" + port;
}

}  // namespace retort::op
