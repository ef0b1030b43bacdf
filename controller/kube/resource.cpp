#include "kube/resource.hpp"

#include <cpprest/uri.h>

namespace retort::kube {
namespace {

std::string segment(std::string_view text) {
  return web::uri::encode_data_string(std::string(text));
}

}  // namespace

std::string Resource::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

std::string Resource::collection_path(std::string_view ns) const {
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) path += "/namespaces/" + segment(ns);
  return path + "/" + plural;
}

std::string Resource::object_path(std::string_view ns, std::string_view name,
                                  std::string_view subresource) const {
  std::string path = collection_path(ns) + "/" + segment(name);
  if (!subresource.empty()) path += "/" + std::string(subresource);
  return path;
}

}  // namespace retort::kube
