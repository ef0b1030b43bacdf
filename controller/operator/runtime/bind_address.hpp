// Bind addresses of the metrics and health endpoints as the flags spell them
// (controller-runtime's convention): "127.0.0.1:8080" one interface, ":8080" every interface
// (what a pod uses), "0" disabled. civetwebPorts() turns one into civetweb's listening_ports
// value; it throws std::invalid_argument naming the flag's value when it is not host:port.
#pragma once

#include <optional>
#include <string>

namespace retort::op {

// nullopt: the endpoint is disabled ("0").
std::optional<std::string> civetwebPorts(const std::string& bindAddress);

}  // namespace retort::op
